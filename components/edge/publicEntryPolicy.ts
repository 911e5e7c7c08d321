/**
 * The admission policy that keeps every public entry a Pulumi resource. Defined as a contract of the policy
 * pack (policy-pack/contracts/publicEntryPolicy.ts), which requires exactly these validations; the component
 * that installs it (LoadBalancerController) imports it from here.
 */
export {
    PUBLIC_ENTRY_POLICY,
    PUBLIC_ENTRY_RESOURCE_RULES,
    PUBLIC_ENTRY_VALIDATIONS,
    REFUSE_INGRESSES,
    REFUSE_LOAD_BALANCER_SERVICES,
} from "../../policy-pack/contracts/publicEntryPolicy";
