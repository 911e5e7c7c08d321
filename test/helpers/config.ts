import { ConfigError, type ConfigProblem } from "../../stacks/config/schema";

/** The problems a config parse reports; fails the test if it throws anything else or nothing. */
export function problemsOf(fn: () => unknown): readonly ConfigProblem[] {
    try {
        fn();
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    throw new Error("expected a ConfigError");
}
