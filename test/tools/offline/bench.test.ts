/** The benchmark's arithmetic and the command it times (the benchmark itself is `npm run bench`, not a test). */
import { describe, expect, it } from "vitest";
import { median, planCommand } from "../../../tools/bench/plan";
import { PROJECT_DIR } from "../../helpers/plan";

describe("tools/bench/plan.ts", () => {
    it("takes the median of odd and even counts", () => {
        expect(median([5, 1, 3])).toBe(3);
        expect(median([4, 1, 3, 2])).toBe(2.5);
    });

    it("times npm run plan's own command line, with this node", () => {
        const argv = planCommand(PROJECT_DIR);
        expect(argv[0]).toBe(process.execPath);
        expect(argv.slice(1)).toEqual(["-r", "./tools/offline/register.cjs", "tools/offline/plan.ts"]);
    });
});
