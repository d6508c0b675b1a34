/**
 * The submit form: validated in the browser with the schema the server uses (with the
 * server's MAX_N), and the server's own `details` shown next to the same fields.
 */
import { computed, reactive, ref, toRef } from 'vue';
import { MAX_CHUNKS, MIN_N, Method, checkCountPrimesRequest, countPrimesRequestSchema, type JobAccepted } from '../../../../shared/api.js';
import { ApiError } from '../api/client.js';
import { reportUnreachable, useBackend } from './useBackend.js';
import { useCountInput } from './useCountInput.js';

export type FormField = 'n' | 'chunks';
const FIELDS: readonly FormField[] = ['n', 'chunks'];

/** Empty input is "missing", not 0, so the schema can say "n is required". */
function toNumber(raw: string | number): number | undefined {
  if (typeof raw === 'number') return Number.isNaN(raw) ? undefined : raw;
  const trimmed = raw.replaceAll(/[\s_,]/g, '');
  return trimmed === '' ? undefined : Number(trimmed);
}

export function useSubmitForm(onAccepted: (accepted: JobAccepted) => void) {
  const { api, info } = useBackend();
  const values = reactive<{ n: string | number; chunks: string | number; method: Method }>({ n: 10_000_000, chunks: 8, method: Method.Auto });
  const count = useCountInput(toRef(values, 'n'));
  const errors = reactive<Partial<Record<FormField, string>>>({});
  const formError = ref<string>();
  const submitting = ref(false);
  const schema = computed(() => countPrimesRequestSchema(info.value?.limits.max_n));

  function setErrors(details: { field: string; message: string }[]): void {
    for (const field of FIELDS) delete errors[field];
    formError.value = undefined;
    for (const { field, message } of details) {
      if (field === 'n' || field === 'chunks') errors[field] ??= message;
      else formError.value ??= message;
    }
  }

  async function submit(): Promise<boolean> {
    const parsed = checkCountPrimesRequest(schema.value, { n: count.wire.value, chunks: toNumber(values.chunks), method: values.method });
    const nError = count.error.value;
    if (!parsed.success || nError !== undefined) {
      const details = parsed.success ? [] : parsed.details.filter((detail) => nError === undefined || detail.field !== 'n');
      setErrors(nError === undefined ? details : [{ field: 'n', message: nError }, ...details]);
      return false;
    }
    setErrors([]);
    const client = api.value;
    if (!client) {
      formError.value = 'not connected to the coordinator yet';
      return false;
    }
    submitting.value = true;
    try {
      onAccepted(await client.submit(parsed.data));
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

  return {
    values,
    errors,
    formError,
    submitting,
    limits: computed(() => ({ minN: MIN_N, maxN: info.value?.limits.max_n, maxChunks: MAX_CHUNKS })),
    exactN: count.exact,
    submit,
  };
}
