import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { COMPOSITE_ALARM, METRIC_ALARM } from "../lib/alarms";
import { subjectOf, violationMessage } from "../lib/message";
import { isUnknown, read, readPath } from "../lib/read";
import { arnRegion, regionOf } from "../lib/resources";
import { ofType } from "../lib/stack";

export const EXPERIMENT_TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";
const ALARM_SOURCE = "aws:cloudwatch:alarm";

const REMEDIATION_NONE = "Give the template the region's page and data-tier lag alarms as stop conditions (stacks/monitoring.ts drillStopAlarmArns, components/chaos/ChaosExperiments.ts)";
const REMEDIATION_REGION = "Use an alarm of the experiment's own region: an alarm of another region goes blind when that region does, and then stops nothing";

/**
 * Resilience (chaos drills): an experiment that nothing can stop is an outage, not a drill. Every FIS experiment template has
 * at least one CloudWatch alarm as a stop condition (FIS stops the experiment when one is triggered during it; `none`
 * means no stop condition: AWS FIS User Guide, "Stop conditions for AWS FIS", and the API's
 * UpdateExperimentTemplateStopConditionInput), and every such alarm is in the template's own
 * region. Decided by the ARN when known, by the property dependency on the alarm resource at first preview.
 */
export const resilienceChaosStopConditions: StackValidationPolicy = {
    name: "intelgraph-resilience-chaos-stop-conditions",
    description:
        "Resilience: chaos drills stop before they become outages: every AWS FIS experiment template has at least one aws:cloudwatch:alarm stop condition (not only `none`), and every stop-condition alarm is in the template's own region.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION_NONE}. ${REMEDIATION_REGION}.`,
    validateStack: (args, reportViolation) => {
        const templates = ofType(args.resources, EXPERIMENT_TEMPLATE);
        if (!templates.length) args.notApplicable("no FIS experiment template in this stack");
        const alarms = [...ofType(args.resources, METRIC_ALARM), ...ofType(args.resources, COMPOSITE_ALARM)];
        for (const t of templates) {
            const subject = subjectOf(t);
            const conditions = read(() => t.props.stopConditions);
            if (isUnknown(conditions)) continue;
            const list = Array.isArray(conditions) ? conditions : [];
            const alarmIndexes = list.map((_, i) => i).filter((i) => readPath(t.props, ["stopConditions", i, "source"]) === ALARM_SOURCE);
            if (!alarmIndexes.length) {
                reportViolation(violationMessage(subject, "stopConditions", list.length ? list.map((_, i) => readPath(t.props, ["stopConditions", i, "source"])) : undefined, `at least one ${ALARM_SOURCE} stop condition (an alarm of ${subject.region ?? "its region"})`, REMEDIATION_NONE), t.urn);
                continue;
            }
            for (const i of alarmIndexes) {
                const value = readPath(t.props, ["stopConditions", i, "value"]);
                const region = alarmRegion(t, value, alarms);
                if (region === undefined || region === subject.region) continue;
                reportViolation(violationMessage(subject, `stopConditions[${i}].value`, isUnknown(value) ? `an alarm of ${region}` : value, `a CloudWatch alarm of ${subject.region ?? "the template's region"} (the experiment's region)`, REMEDIATION_REGION), t.urn);
            }
        }
    },
};

/** The region of a stop condition's alarm: the ARN's when known, else the region of the alarm resource it depends on. */
function alarmRegion(t: PolicyResource, value: unknown, alarms: readonly PolicyResource[]): string | undefined {
    if (typeof value === "string" && !isUnknown(value)) return arnRegion(value);
    const deps = new Set(t.propertyDependencies.stopConditions ?? []);
    const r = alarms.find((a) => deps.has(a));
    const region = r ? regionOf(r) : undefined;
    return typeof region === "string" ? region : undefined;
}
