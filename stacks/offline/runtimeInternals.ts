/**
 * The two SDK internals the offline engine relies on, in one place so an SDK upgrade has one file to check:
 * - the runtime store's monitor slot, to install the recording monitor after `setMocks` has set the
 *   feature flags the mock runtime needs (setMockOptions alone resets them);
 * - `waitForRPCs`, because registrations settle only after the runtime's outstanding RPCs drain.
 */
interface RuntimeStore {
    settings: { monitor?: unknown };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): RuntimeStore };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

export function getRuntimeStore(): RuntimeStore {
    return state.getStore();
}

export function waitForRPCs(): Promise<void> {
    return settings.waitForRPCs();
}
