/**
 * Sending a job form once it is valid, for every form: one request at a time, the server's
 * `details` shown next to the same fields (others as the form's error), an unreachable
 * coordinator reported to the connection banner.
 */
import { reactive, ref } from 'vue';
import type { JobAccepted } from '../../../../shared/api.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { reportUnreachable, useBackend } from './useBackend.js';

export function useFormSubmission<Field extends string>(fields: readonly Field[], onAccepted: (accepted: JobAccepted) => void) {
  const { api } = useBackend();
  const errors = reactive({}) as Partial<Record<Field, string>>;
  const formError = ref<string>();
  const submitting = ref(false);

  function setErrors(details: { field: string; message: string }[]): void {
    for (const field of fields) delete errors[field];
    formError.value = undefined;
    for (const { field, message } of details) {
      if ((fields as readonly string[]).includes(field)) errors[field as Field] ??= message;
      else formError.value ??= message;
    }
  }

  /** Sends a request the form has validated; true when the coordinator accepted the job. */
  async function send(request: (client: ApiClient) => Promise<JobAccepted>): Promise<boolean> {
    setErrors([]);
    const client = api.value;
    if (!client) {
      formError.value = 'not connected to the coordinator yet';
      return false;
    }
    submitting.value = true;
    try {
      onAccepted(await request(client));
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.body?.details) setErrors(error.body.details);
      else if (error instanceof ApiError && error.unreachable) {
        formError.value = error.message;
        reportUnreachable(error.message);
      } else formError.value = error instanceof Error ? error.message : String(error);
      return false;
    } finally {
      submitting.value = false;
    }
  }

  return { errors, formError, submitting, setErrors, send };
}
