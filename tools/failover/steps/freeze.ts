/**
 * Deploy freeze marker: an object in the neo4j backups bucket of each region the run can reach (both when
 * planned, the survivor's only when not). S3 is regional: a region's bucket is read and written through that
 * region alone (S3 User Guide, "Regions and endpoints"), so whichever region is down, the other region's
 * marker is there for its deploy runners. Putting the same object again is idempotent: retried.
 */
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { withRetries } from "../retry";
import type { FailoverInputs, StackView } from "../inputs";
import type { Step, StepContext } from "../types";

export const FREEZE_KEY = "intelgraph/deploy-freeze.json";

/** The marker's body: who froze deploys, why, when, and which failover run (freeze-status prints it; CI refuses on it). */
export interface FreezeMarker {
    readonly frozen: true;
    readonly reason: string;
    readonly runId: string;
    readonly by: string;
    readonly stack: string;
    /** ISO 8601 time the marker was written. */
    readonly at: string;
}

export function freezeStep(inputs: FailoverInputs, marker: { readonly runId: string; readonly by: string }): Step {
    const targets: StackView[] = inputs.mode === "planned" ? [inputs.to, inputs.from] : [inputs.to];
    const body = (s: StackView, at: number): string => {
        const m: FreezeMarker = { frozen: true, reason: `${inputs.mode} failover ${inputs.from.stack} -> ${inputs.to.stack}`, runId: marker.runId, by: marker.by, stack: s.stack, at: new Date(at).toISOString() };
        return JSON.stringify(m);
    };
    const exists = async (ctx: StepContext, s: StackView) => {
        try {
            await ctx.clients.in(s.region).s3.send(new HeadObjectCommand({ Bucket: s.neo4jBackupBucketName, Key: FREEZE_KEY }));
            return true;
        } catch (e) {
            if ((e as { name?: string }).name === "NotFound" || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
            throw e;
        }
    };
    return {
        id: "freeze",
        title: `Freeze deploys: ${FREEZE_KEY} in ${targets.map((s) => s.stack).join(" and ")}`,
        calls: targets.map((s) => ({ service: "s3", region: s.region, operation: "PutObject", params: { Bucket: s.neo4jBackupBucketName, Key: FREEZE_KEY } })),
        precondition: "none",
        check: `HeadObject ${FREEZE_KEY} in each bucket`,
        expectedSeconds: 5,
        durationSource: "one S3 PutObject per region",
        timeoutSeconds: 60,
        manual: targets.map((s) => `aws s3api put-object --region ${s.region} --bucket ${s.neo4jBackupBucketName} --key ${FREEZE_KEY} --body freeze.json`).join(" && "),
        async done(ctx) {
            for (const s of targets) if (!(await exists(ctx, s))) return false;
            return true;
        },
        async refuse() {
            return undefined;
        },
        async perform(ctx) {
            for (const s of targets) {
                await withRetries(ctx, () => ctx.clients.in(s.region).s3.send(new PutObjectCommand({ Bucket: s.neo4jBackupBucketName, Key: FREEZE_KEY, Body: body(s, ctx.now()), ContentType: "application/json" })));
            }
        },
    };
}
