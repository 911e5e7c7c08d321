import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../boundary";
import { NOTIFICATION_PUBLISHERS } from "../kms/keyPolicy";

export interface TopicSubscription {
    readonly protocol: "email" | "email-json" | "https" | "sms";
    /** Kept secret in state: a pager webhook's URL carries its token. */
    readonly endpoint: pulumi.Input<string>;
}

export interface NotificationTopicArgs {
    readonly topicName: string;
    /** The region's own key: SNS encrypts messages at rest with it, and its policy admits the publishers. */
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly accountId: pulumi.Input<string>;
    readonly partition: pulumi.Input<string>;
    readonly subscriptions: readonly TopicSubscription[];
}

/**
 * The region's alert topic: every alarm of the region notifies it. Encrypted with the region's key, so the
 * publishing services need that key (components/kms/keyPolicy.ts NOTIFICATION_PUBLISHERS) and the topic policy
 * lets them publish only for this account (aws:SourceAccount, Amazon SNS Developer Guide, "Example cases for
 * Amazon SNS access control": confused-deputy protection for AWS service publishers).
 */
export class NotificationTopic extends pulumi.ComponentResource {
    readonly topicArn: pulumi.Output<string>;
    readonly topicName: pulumi.Output<string>;

    constructor(name: string, args: NotificationTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:monitoring:NotificationTopic", name, {}, opts);
        validateArgs(args).throwIfAny(this, "NotificationTopic", name);

        const topic = new aws.sns.Topic(`${name}-topic`, { name: args.topicName, kmsMasterKeyId: args.kmsKeyArn, tags: { Name: args.topicName } }, { parent: this });

        new aws.sns.TopicPolicy(
            `${name}-policy`,
            {
                arn: topic.arn,
                policy: pulumi.all([topic.arn, args.accountId, args.partition]).apply(([arn, account, partition]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            // What SNS's default policy grants the owner, kept: replacing the policy drops it otherwise.
                            {
                                Sid: "OwnerAccount",
                                Effect: "Allow",
                                Principal: { AWS: `arn:${partition}:iam::${account}:root` },
                                Action: ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListSubscriptionsByTopic"],
                                Resource: arn,
                            },
                            {
                                Sid: "AwsServicePublishers",
                                Effect: "Allow",
                                Principal: { Service: [...NOTIFICATION_PUBLISHERS] },
                                Action: "sns:Publish",
                                Resource: arn,
                                Condition: { StringEquals: { "aws:SourceAccount": account } },
                            },
                            {
                                Sid: "TlsOnly",
                                Effect: "Deny",
                                Principal: "*",
                                Action: "sns:Publish",
                                Resource: arn,
                                Condition: { Bool: { "aws:SecureTransport": "false" } },
                            },
                        ],
                    }),
                ),
            },
            { parent: this },
        );

        args.subscriptions.forEach((s, i) => {
            new aws.sns.TopicSubscription(
                `${name}-subscription-${i}`,
                { topic: topic.arn, protocol: s.protocol, endpoint: pulumi.secret(s.endpoint) },
                { parent: this },
            );
        });

        this.topicArn = topic.arn;
        this.topicName = topic.name;
        this.registerOutputs({ topicArn: this.topicArn });
    }
}

function validateArgs(args: NotificationTopicArgs): Problems {
    const p = new Problems();
    // SNS topic names: 1-256 letters, digits, hyphens and underscores (Amazon SNS API Reference, CreateTopic).
    p.check(/^[A-Za-z0-9_-]{1,256}$/.test(args.topicName), `topicName must be 1-256 letters, digits, hyphens or underscores, got ${JSON.stringify(args.topicName)}`);
    p.check(args.subscriptions.length > 0, "subscriptions must name at least one endpoint: an alarm nobody receives detects nothing");
    return p;
}
