// The CrossGuard pack: `pulumi preview --policy-pack policy-pack --policy-pack-config policy-pack/config/<stack>.json`.
// Only constructs the pack: the constructor starts the analyzer's gRPC server, so nothing else imports this file.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("intelgraph-guardrails", {
    description: "IntelGraph multi-region guardrails: residency, KMS per region, N+1 capacity, data protection and exposure.",
    enforcementLevel: "mandatory",
    policies,
});
