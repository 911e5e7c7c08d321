/**
 * Tags and labels the components put on what they create and the policy pack reads back. The definition is a
 * contract of the policy pack (policy-pack/contracts/labels.ts), so the published pack carries it; the
 * components import it from here.
 */
export { ACCESS_LOGS_PURPOSE, EXPOSURES, EXPOSURE_TAG, PURPOSE_TAG, SCRATCH_PURPOSE, SYNTHETICS_ARTIFACTS_PURPOSE, TIER_LABEL } from "../policy-pack/contracts/labels";
