/**
 * The submit form: validated in the browser with the schema the server uses (with the
 * server's MAX_N), and the server's own `details` shown next to the same fields.
 */
import { computed, reactive, toRef } from 'vue';
import { MAX_CHUNKS, MIN_N, Method, checkCountPrimesRequest, countPrimesRequestSchema, type JobAccepted } from '../../../../shared/api.js';
import { useBackend } from './useBackend.js';
import { useCountInput } from './useCountInput.js';
import { useFormSubmission } from './useFormSubmission.js';

export type FormField = 'n' | 'chunks';
const FIELDS: readonly FormField[] = ['n', 'chunks'];

/** Empty input is "missing", not 0, so the schema can say "n is required". */
function toNumber(raw: string | number): number | undefined {
  if (typeof raw === 'number') return Number.isNaN(raw) ? undefined : raw;
  const trimmed = raw.replaceAll(/[\s_,]/g, '');
  return trimmed === '' ? undefined : Number(trimmed);
}

export function useSubmitForm(onAccepted: (accepted: JobAccepted) => void) {
  const { info } = useBackend();
  const values = reactive<{ n: string | number; chunks: string | number; method: Method }>({ n: 10_000_000, chunks: 8, method: Method.Auto });
  const count = useCountInput(toRef(values, 'n'));
  const { errors, formError, submitting, setErrors, send } = useFormSubmission(FIELDS, onAccepted);
  const schema = computed(() => countPrimesRequestSchema(info.value?.limits.max_n));

  async function submit(): Promise<boolean> {
    const parsed = checkCountPrimesRequest(schema.value, { n: count.wire.value, chunks: toNumber(values.chunks), method: values.method });
    const nError = count.error.value;
    if (!parsed.success || nError !== undefined) {
      const details = parsed.success ? [] : parsed.details.filter((detail) => nError === undefined || detail.field !== 'n');
      setErrors(nError === undefined ? details : [{ field: 'n', message: nError }, ...details]);
      return false;
    }
    return send((client) => client.submit(parsed.data));
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
