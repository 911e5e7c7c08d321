import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isDnsLabel, isPort, isServiceName } from "../boundary";

/** Labels of the API's pods; the application's Deployment carries them and the Service selects on them. */
export const API_POD_LABELS = { "app.kubernetes.io/name": "intelgraph-api", "app.kubernetes.io/part-of": "intelgraph" } as const;

/** The controller's webhook adds ALB-health readiness gates to pods of namespaces labelled so. */
export const READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";

export interface ApiTargetBindingArgs {
    readonly namespace: string;
    readonly serviceName: string;
    /** The API pods' container port; the ALB target group forwards to it. */
    readonly port: number;
    readonly targetGroupArn: pulumi.Input<string>;
    readonly vpcId: pulumi.Input<string>;
    /** The controller's Helm release: it installs the TargetGroupBinding CRD and the webhooks that admit it. */
    readonly controller: pulumi.Resource;
}

/**
 * The contract between the platform and the API's deployment: a namespace, a Service selecting the API pods and
 * a TargetGroupBinding that keeps the ALB target group's members equal to that Service's ready endpoints. The
 * application ships only a Deployment with API_POD_LABELS; its rollout waits on ALB health (readiness gates).
 */
export class ApiTargetBinding extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    readonly bindingName: pulumi.Output<string>;

    constructor(name: string, args: ApiTargetBindingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:edge:ApiTargetBinding", name, {}, opts);
        validateArgs(args).throwIfAny(this, "ApiTargetBinding", name);
        const ns = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: args.namespace, labels: { [READINESS_GATE_LABEL]: "enabled", "app.kubernetes.io/part-of": "intelgraph" } } },
            { parent: this },
        );
        const service = new k8s.core.v1.Service(
            `${name}-svc`,
            {
                metadata: { name: args.serviceName, namespace: ns.metadata.name, labels: { ...API_POD_LABELS } },
                spec: { type: "ClusterIP", selector: { ...API_POD_LABELS }, ports: [{ name: "http", port: args.port, targetPort: args.port, protocol: "TCP" }] },
            },
            { parent: this },
        );
        const binding = new k8s.apiextensions.CustomResource(
            `${name}-tgb`,
            {
                apiVersion: "elbv2.k8s.aws/v1beta1",
                kind: "TargetGroupBinding",
                metadata: { name: args.serviceName, namespace: ns.metadata.name, labels: { ...API_POD_LABELS } },
                // Given in full: the controller's webhook would otherwise infer targetType, ipAddressType and vpcID,
                // and those fields are immutable afterwards.
                spec: {
                    serviceRef: { name: service.metadata.name, port: args.port },
                    targetGroupARN: args.targetGroupArn,
                    targetType: "ip",
                    ipAddressType: "ipv4",
                    vpcID: args.vpcId,
                },
            },
            { parent: this, dependsOn: [args.controller] },
        );

        this.namespace = ns.metadata.name;
        this.serviceName = service.metadata.name;
        this.bindingName = binding.metadata.name;
        this.registerOutputs({ namespace: this.namespace, serviceName: this.serviceName, bindingName: this.bindingName });
    }
}

function validateArgs(args: ApiTargetBindingArgs): Problems {
    const p = new Problems();
    p.check(isDnsLabel(args.namespace), `namespace must be a DNS label (lowercase letters, digits, "-", at most 63), got ${JSON.stringify(args.namespace)}`);
    p.check(isServiceName(args.serviceName), `serviceName must be a DNS label starting with a letter (a Service name), got ${JSON.stringify(args.serviceName)}`);
    p.check(isPort(args.port), `port must be a TCP port from 1 to 65535, got ${args.port}`);
    return p;
}
