/**
 * What every alarm of the platform shares: it notifies the region's topic on ALARM and on OK (so on-call sees
 * the recovery too), and its description names the runbook section on-call opens first (runbooks/alerts.md).
 */
import type * as pulumi from "@pulumi/pulumi";

/** The file every alarm's runbook link points into; each alarm has a section (anchor) there. */
export const ALERTS_RUNBOOK = "runbooks/alerts.md";

/** `Runbook: runbooks/alerts.md#<anchor>` (GitHub's anchor of a `## <anchor>` heading). */
export const runbookLink = (anchor: string) => `Runbook: ${ALERTS_RUNBOOK}#${anchor}`;

export function description(what: string, anchor: string): string {
    return `${what} ${runbookLink(anchor)}`;
}

/** Actions of an alarm that pages or tickets by itself. */
export function notifying(topicArn: pulumi.Input<string>): { actionsEnabled: boolean; alarmActions: pulumi.Input<string>[]; okActions: pulumi.Input<string>[] } {
    return { actionsEnabled: true, alarmActions: [topicArn], okActions: [topicArn] };
}

/** CloudWatch alarm names: up to 255 printable ASCII characters (CloudWatch API Reference, PutMetricAlarm AlarmName). */
export const isAlarmName = (name: string) => /^[\x20-\x7e]{1,255}$/.test(name);
