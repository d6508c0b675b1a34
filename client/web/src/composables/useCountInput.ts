/**
 * The n field: what was typed (`1e18`, `10^18`, exact digits) read exactly, and the value the
 * API is sent (a JSON number up to 2^53 - 1, a decimal string above).
 */
import { computed, type Ref } from 'vue';
import { countForWire, parseCountText } from '../../../../shared/count-text.js';
import { formatCount } from '../format.js';

export function useCountInput(raw: Ref<string | number>) {
  const parsed = computed(() => parseCountText(String(raw.value)));
  return {
    /** For the request: undefined when it does not read as a whole number (see `error`). */
    wire: computed((): number | string | undefined => (parsed.value.ok ? countForWire(parsed.value.value) : undefined)),
    /** Why the text is not a whole number (undefined when empty: the schema says "n is required"). */
    error: computed(() => (parsed.value.ok || String(raw.value).trim() === '' ? undefined : parsed.value.message)),
    /** The typed n with every digit, when it is not plain digits already (e.g. for 1e18). */
    exact: computed(() => (parsed.value.ok && !/^[0-9\s_,]+$/.test(String(raw.value)) ? formatCount(parsed.value.value.toString()) : undefined)),
  };
}
