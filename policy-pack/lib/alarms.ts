/**
 * What the detection rules need to know about a stack's CloudWatch alarms: the metrics an alarm watches (its
 * own metric or the metrics of its metric-math queries), the resources it watches (by dimension value, else by
 * property dependency at first preview), which alarms a composite alarm reads, and whether its actions reach an
 * SNS topic of its own region encrypted with a key of that region.
 */
import type { PolicyResource } from "@pulumi/policy";
import { type Known, isUnknown, read, readPath } from "./read";
import { arnRegion, regionOf } from "./resources";
import { ofType, stackReferenceOutputs } from "./stack";

/** The resource a value names: by the value when it is known (and only then), by property dependency when unknown. */
function named(r: PolicyResource, property: string, value: Known<unknown>, candidates: readonly PolicyResource[], keys: readonly string[]): PolicyResource | undefined {
    if (typeof value === "string") return candidates.find((c) => keys.some((k) => read(() => c.props[k]) === value));
    if (!isUnknown(value)) return undefined;
    const deps = new Set(r.propertyDependencies[property] ?? []);
    return candidates.find((c) => deps.has(c));
}

export const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const TOPIC = "aws:sns/topic:Topic";
const KEY = "aws:kms/key:Key";

export interface WatchedMetric {
    readonly namespace: Known<unknown>;
    readonly metricName: Known<unknown>;
    readonly dimensions: Record<string, Known<unknown>>;
}

/** The metrics an alarm reads: its own (`metricName`) or those of its `metricQueries`. */
export function metricsOf(alarm: PolicyResource): WatchedMetric[] {
    const dims = (d: Known<unknown>): Record<string, Known<unknown>> => (d && typeof d === "object" && !isUnknown(d) ? (d as Record<string, unknown>) : {});
    const own = read(() => alarm.props.metricName);
    if (typeof own === "string") return [{ namespace: read(() => alarm.props.namespace), metricName: own, dimensions: dims(readPath(alarm.props, ["dimensions"])) }];
    const queries = readPath(alarm.props, ["metricQueries"]);
    if (!Array.isArray(queries)) return [];
    return Array.from({ length: queries.length }, (_, i) => i).flatMap((i) => {
        const m = readPath(alarm.props, ["metricQueries", i, "metric"]);
        if (!m || isUnknown(m)) return [];
        return [{ namespace: readPath(alarm.props, ["metricQueries", i, "metric", "namespace"]), metricName: readPath(alarm.props, ["metricQueries", i, "metric", "metricName"]), dimensions: dims(readPath(alarm.props, ["metricQueries", i, "metric", "dimensions"])) }];
    });
}

/**
 * Whether an alarm watches `target` through one of `metricNames` with dimension `dimension`: the dimension's
 * value passes `matches` when known; when it is unknown (first preview), the alarm depends on the target for
 * that property instead.
 */
export function watches(alarm: PolicyResource, target: PolicyResource, metricNames: readonly string[], dimension: string, matches: (value: string) => boolean): boolean {
    const property = read(() => alarm.props.metricName) !== undefined ? "dimensions" : "metricQueries";
    return metricsOf(alarm).some((m) => {
        if (typeof m.metricName !== "string" || !metricNames.includes(m.metricName)) return false;
        const v = read(() => m.dimensions[dimension]);
        if (typeof v === "string") return matches(v);
        return isUnknown(v) && (alarm.propertyDependencies[property] ?? []).includes(target);
    });
}

/** The longest period an alarm evaluates over: its own period, or its queries' metric periods (seconds). */
export function longestPeriod(alarm: PolicyResource): number | undefined {
    const own = read(() => alarm.props.period);
    if (typeof own === "number") return own;
    const queries = readPath(alarm.props, ["metricQueries"]);
    if (!Array.isArray(queries)) return undefined;
    const periods = Array.from({ length: queries.length }, (_, i) => readPath(alarm.props, ["metricQueries", i, "metric", "period"])).filter((v): v is number => typeof v === "number");
    return periods.length ? Math.max(...periods) : undefined;
}

/** The alarms a composite's rule names (`ALARM("name")`), or, with an unknown rule, those it depends on for it. */
export function alarmsReadBy(composite: PolicyResource, alarms: readonly PolicyResource[]): PolicyResource[] {
    const rule = read(() => composite.props.alarmRule);
    if (typeof rule === "string") {
        const names = [...rule.matchAll(/ALARM\(\s*"?([^")]+)"?\s*\)/g)].map((m) => m[1]);
        return alarms.filter((a) => names.includes(String(read(() => a.props.name))));
    }
    const deps = new Set(composite.propertyDependencies.alarmRule ?? []);
    return alarms.filter((a) => deps.has(a));
}

export interface ActionFacts {
    /** Some action is an SNS topic of the alarm's region, encrypted with a key of that region. */
    readonly notifiesRegionalTopic: boolean;
    /** What the actions are, for the message. */
    readonly observed: unknown;
}

/** Whether the alarm's ALARM actions reach a topic of its own region under its own region's key. */
export function actionFacts(alarm: PolicyResource, resources: readonly PolicyResource[]): ActionFacts {
    const region = regionOf(alarm);
    const enabled = read(() => alarm.props.actionsEnabled);
    const actions = readPath(alarm.props, ["alarmActions"]);
    if (enabled === false) return { notifiesRegionalTopic: false, observed: "disabled (actionsEnabled false)" };
    const topics = ofType(resources, TOPIC);
    const keys = ofType(resources, KEY);
    const referencedAlertTopics = stackReferenceOutputs(resources).map((o) => o.alertTopicArn);
    const count = Array.isArray(actions) ? actions.length : isUnknown(actions) ? 1 : 0;
    // By index: iterating the array would touch each element, and an unknown one throws at preview.
    const values = Array.from({ length: count }, (_, i) => (Array.isArray(actions) ? readPath(alarm.props, ["alarmActions", i]) : actions));
    const ok = values.some((value) => {
        const topic = named(alarm, "alarmActions", value, topics, ["arn"]);
        // Another stack's topic counts only as the alert topic a StackReference reads from that region's stack,
        // whose own rules (intelgraph-kms-regional-cmk) hold it to its region's key.
        if (!topic) return typeof value === "string" && arnRegion(value) === region && referencedAlertTopics.includes(value);
        if (regionOf(topic) !== region) return false;
        const keyValue = read(() => topic.props.kmsMasterKeyId);
        const key = named(topic, "kmsMasterKeyId", keyValue, keys, ["arn", "keyId"]);
        if (key) return regionOf(key) === region;
        return typeof keyValue === "string" && /:key\//.test(keyValue) && arnRegion(keyValue) === region;
    });
    // Shown by count and kind, never by value: an unknown ARN cannot be printed, and the count is what is wrong.
    return { notifiesRegionalTopic: ok, observed: count ? `${count} action(s), none an SNS topic of ${typeof region === "string" ? region : "its region"} under its key` : "not set" };
}
