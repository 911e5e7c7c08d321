/** Availability zones of subnets, by value or by dependency (subnet ids are unknown at first preview). */
import type { PolicyResource } from "@pulumi/policy";
import { isUnknown, read, readPath } from "./read";
import { ofType } from "./stack";

/** The AZs of the subnets a property lists. Unknown ids are matched through the property's dependencies. */
export function subnetAzs(r: PolicyResource, property: string, resources: readonly PolicyResource[], path: readonly (string | number)[] = [property]): string[] {
    const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
    const ids = readPath(r.props, path);
    const count = Array.isArray(ids) ? ids.length : ids === undefined || isUnknown(ids) ? 0 : 1;
    // Each element is read on its own: at first preview the list is known but its ids are not.
    const list = Array.from({ length: count }, (_, i) => (Array.isArray(ids) ? read(() => ids[i]) : ids));
    const byId = list.map((id) => subnets.find((s) => !isUnknown(id) && read(() => s.props.id) === id));
    const chosen = byId.every((s) => s !== undefined) && byId.length > 0 ? (byId as PolicyResource[]) : (r.propertyDependencies[property] ?? []).filter((d) => d.type === "aws:ec2/subnet:Subnet");
    const azs = chosen.map((s) => read(() => s.props.availabilityZone)).filter((az): az is string => typeof az === "string");
    return [...new Set(azs)].sort();
}
