/**
 * The form of a range job (POST /api/jobs): from and to typed as digits of any size, sent as
 * JSON numbers when safe integers and as decimal strings above; validated in the browser with
 * the schema the server uses, the server's own `details` shown next to the same fields.
 */
import { reactive, type Ref } from 'vue';
import { MAX_CHUNKS, Method, RangeJobRequestSchema, validationDetails, type JobAccepted, type RangeJobKind } from '../../../../shared/api.js';
import { useFormSubmission } from './useFormSubmission.js';

/** The fields that show their own error (the method's choices are all valid: any other error is the form's). */
export type RangeFormField = 'from' | 'to' | 'chunks';
const FIELDS: readonly RangeFormField[] = ['from', 'to', 'chunks'];

/** Digits (spaces, commas and underscores between them ignored) as the API takes them; anything else as typed, for the schema to refuse. */
export function toWireInteger(raw: string | number): number | string | undefined {
  if (typeof raw === 'number') return Number.isNaN(raw) ? undefined : raw;
  const trimmed = raw.replaceAll(/[\s_,]/g, '');
  if (trimmed === '') return undefined;
  if (!/^\d+$/.test(trimmed)) return trimmed;
  const digits = trimmed.replace(/^0+(?=\d)/, '');
  return BigInt(digits) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(digits) : digits;
}

export function useRangeJobForm(kind: Ref<RangeJobKind>, onAccepted: (accepted: JobAccepted) => void) {
  const values = reactive<Record<RangeFormField, string | number> & { method: Method }>({
    from: '1000000000',
    to: '1001000000',
    chunks: 8,
    method: Method.Auto,
  });
  const { errors, formError, submitting, setErrors, send } = useFormSubmission(FIELDS, onAccepted);

  async function submit(): Promise<boolean> {
    const parsed = RangeJobRequestSchema.safeParse({
      kind: kind.value,
      from: toWireInteger(values.from),
      to: toWireInteger(values.to),
      chunks: toWireInteger(values.chunks),
      // Only prime-count has a method: the others always sieve.
      ...(kind.value === 'prime-count' ? { method: values.method } : {}),
    });
    if (!parsed.success) {
      setErrors(validationDetails(parsed.error));
      return false;
    }
    return send((client) => client.submitRange(parsed.data));
  }

  return { values, errors, formError, submitting, maxChunks: MAX_CHUNKS, submit };
}
