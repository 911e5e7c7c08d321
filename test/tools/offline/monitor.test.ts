import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { RecordingMonitor } from "../../../tools/offline/monitor";
// The SDK's own protobuf messages: the requests the language SDK sends the engine.
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Struct } from "../../../tools/offline/runtimeInternals";

type ProtoStruct = Parameters<resproto.RegisterResourceRequest["setObject"]>[0];
const emptyStruct = () => Struct.fromJavaScript({}) as ProtoStruct;

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: () => ({ accountId: "123456789012" }),
};

function register(monitor: RecordingMonitor, type: string, provider: string): Promise<Error | null> {
    const req = new resproto.RegisterResourceRequest();
    req.setType(type);
    req.setName("thing");
    req.setCustom(true);
    req.setProvider(provider);
    req.setObject(emptyStruct());
    return new Promise((resolve) => void monitor.registerResource(req, (err) => resolve(err)));
}

function invoke(monitor: RecordingMonitor, tok: string, provider: string): Promise<Error | null> {
    const req = new resproto.ResourceInvokeRequest();
    req.setTok(tok);
    req.setProvider(provider);
    req.setArgs(emptyStruct());
    return new Promise((resolve) => void monitor.invoke(req, (err) => resolve(err)));
}

const PROVIDER = "urn:pulumi:s::p::pulumi:providers:aws::aws-us-west-2::id";

describe("offline engine: pulumi:disable-default-providers, as the engine enforces it", () => {
    it("refuses a resource without an explicit provider, with the engine's message", async () => {
        const monitor = new RecordingMonitor(mocks, "s", "p", ["*"]);
        expect((await register(monitor, "aws:s3/bucket:Bucket", ""))?.message).toBe(
            "Default provider for 'aws' disabled. 'urn:pulumi:s::p::aws:s3/bucket:Bucket::thing' must use an explicit provider.",
        );
        expect(monitor.records).toEqual([]);
    });

    it("refuses an invoke without an explicit provider", async () => {
        const monitor = new RecordingMonitor(mocks, "s", "p", ["kubernetes", "aws"]);
        expect((await invoke(monitor, "aws:index/getCallerIdentity:getCallerIdentity", ""))?.message).toBe(
            "Default provider for 'aws' disabled. 'aws:index/getCallerIdentity:getCallerIdentity' must use an explicit provider.",
        );
    });

    it("accepts explicit providers, and packages the list leaves enabled", async () => {
        const monitor = new RecordingMonitor(mocks, "s", "p", ["aws"]);
        expect(await register(monitor, "aws:s3/bucket:Bucket", PROVIDER)).toBeNull();
        expect(await register(monitor, "random:index/randomPassword:RandomPassword", "")).toBeNull();
        expect(monitor.records.map((r) => r.type)).toEqual(["aws:s3/bucket:Bucket", "random:index/randomPassword:RandomPassword"]);
    });
});
