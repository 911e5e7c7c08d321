/**
 * The web ACL's rules as WAFv2 takes them, built from plain settings (pure: tested without an engine).
 *
 * Every field AWS fills in when it is omitted is set explicitly: a rate-based statement without
 * `evaluationWindowSec` reads back as 300 and shows a diff on every `pulumi up` (pulumi/pulumi-aws#3306,
 * hashicorp/terraform-provider-aws#33124; ansible-collections/community.aws#2427 fixed the same drift by
 * applying AWS's default). Rules are kept in one fixed priority order, so adding the optional geo rule never
 * renumbers the others (terraform-provider-aws#45858: renumbered rules show as replaced).
 */
import type * as aws from "@pulumi/aws";

/**
 * Rate-based evaluation windows WAF accepts, in seconds (AWS WAF Developer Guide, "Rate-based rule high-level
 * settings": 60, 120, 300 and 600; 300 is the default).
 */
export const WAF_EVALUATION_WINDOWS = [60, 120, 300, 600] as const;
export type WafEvaluationWindow = (typeof WAF_EVALUATION_WINDOWS)[number];
/** The lowest rate limit WAF accepts (same page: "The lowest limit setting allowed is 10"). */
export const WAF_MIN_RATE_LIMIT = 10;
/** The highest, per the API's RateBasedStatement.Limit range (AWS WAF API Reference: 10 to 2,000,000,000). */
export const WAF_MAX_RATE_LIMIT = 2_000_000_000;

export interface RateLimit {
    /** Requests allowed per key in the window; more are blocked until the rate drops. */
    readonly limit: number;
    readonly windowSeconds: WafEvaluationWindow;
}

export interface WafRuleSettings {
    /** Prefix of every rule's CloudWatch metric name (metrics: AWS/WAFV2, dimensions WebACL, Rule, Region). */
    readonly metricPrefix: string;
    readonly perIp: RateLimit;
    readonly perTenant: RateLimit & { readonly header: string };
    /** Countries allowed when the geo rule is on (the zone's, policy-pack/contracts/residency.ts); undefined: no geo rule. */
    readonly allowedCountries?: readonly string[];
}

/** Fixed priorities (lower runs first): cheap, decisive rules before the inspection-heavy groups. */
export const RULE_PRIORITIES = {
    geo: 0,
    ipReputation: 10,
    ratePerIp: 20,
    ratePerTenant: 30,
    common: 40,
    knownBadInputs: 50,
} as const;

/** AWS managed rule groups every ACL runs (AWS WAF Developer Guide, "Baseline rule groups" and "IP reputation rule groups"). */
export const MANAGED_RULE_GROUPS = [
    { name: "AWSManagedRulesAmazonIpReputationList", priority: RULE_PRIORITIES.ipReputation },
    { name: "AWSManagedRulesCommonRuleSet", priority: RULE_PRIORITIES.common },
    { name: "AWSManagedRulesKnownBadInputsRuleSet", priority: RULE_PRIORITIES.knownBadInputs },
] as const;

type Rule = aws.types.input.wafv2.WebAclRule;

const visibility = (prefix: string, rule: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${prefix}-${rule}` });

/** The rules of the ACL, in priority order. */
export function wafRules(s: WafRuleSettings): Rule[] {
    const rules: Rule[] = [];
    if (s.allowedCountries) {
        rules.push({
            name: "geo-outside-zone",
            priority: RULE_PRIORITIES.geo,
            action: { block: {} },
            statement: { notStatement: { statement: { geoMatchStatement: { countryCodes: [...s.allowedCountries] } } } },
            visibilityConfig: visibility(s.metricPrefix, "geo-outside-zone"),
        });
    }
    for (const group of MANAGED_RULE_GROUPS) {
        rules.push({
            name: group.name,
            priority: group.priority,
            // none: the group's own actions (block) apply; count would only observe.
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group.name } },
            visibilityConfig: visibility(s.metricPrefix, group.name),
        });
    }
    rules.push({
        name: "rate-per-ip",
        priority: RULE_PRIORITIES.ratePerIp,
        action: { block: {} },
        statement: { rateBasedStatement: { aggregateKeyType: "IP", limit: s.perIp.limit, evaluationWindowSec: s.perIp.windowSeconds } },
        visibilityConfig: visibility(s.metricPrefix, "rate-per-ip"),
    });
    rules.push({
        name: "rate-per-tenant",
        priority: RULE_PRIORITIES.ratePerTenant,
        action: { block: {} },
        statement: {
            rateBasedStatement: {
                // "Web requests that are missing any of the components specified in the aggregation keys are
                // omitted from the rate-based rule evaluation" (AWS WAF API Reference, RateBasedStatementCustomKey):
                // a request without the tenant header is limited by the per-IP rule only.
                aggregateKeyType: "CUSTOM_KEYS",
                customKeys: [{ header: { name: s.perTenant.header, textTransformations: [{ priority: 0, type: "NONE" }] } }],
                limit: s.perTenant.limit,
                evaluationWindowSec: s.perTenant.windowSeconds,
            },
        },
        visibilityConfig: visibility(s.metricPrefix, "rate-per-tenant"),
    });
    return rules.sort((a, b) => Number(a.priority) - Number(b.priority));
}

/** Problems of the settings (for the component's boundary; the stack schema reports the same with file and key). */
export function rateLimitProblems(what: string, r: RateLimit): string[] {
    const p: string[] = [];
    if (!Number.isInteger(r.limit) || r.limit < WAF_MIN_RATE_LIMIT || r.limit > WAF_MAX_RATE_LIMIT) p.push(`${what}.limit must be a whole number from ${WAF_MIN_RATE_LIMIT} to ${WAF_MAX_RATE_LIMIT}, got ${r.limit}`);
    if (!(WAF_EVALUATION_WINDOWS as readonly number[]).includes(r.windowSeconds)) p.push(`${what}.windowSeconds must be one of ${WAF_EVALUATION_WINDOWS.join(", ")}, got ${r.windowSeconds}`);
    return p;
}

/** A header name WAF can key on: a lowercase HTTP token (WAF matches header names case-insensitively). */
export const isHeaderName = (v: string): boolean => /^[a-z0-9][a-z0-9-]{0,63}$/.test(v);
