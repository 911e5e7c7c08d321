import * as pulumi from "@pulumi/pulumi";
import { type ConfigKey, type StackConfig, parseStackConfig } from "./schema";

/** The only place the program reads configuration: raw strings in, a validated StackConfig out. */
export function loadStackConfig(): StackConfig {
    const namespaces = new Map<string, pulumi.Config>();
    const raw = (key: ConfigKey): string | undefined => {
        const [ns, name] = key.split(":");
        if (!namespaces.has(ns)) namespaces.set(ns, new pulumi.Config(ns));
        return namespaces.get(ns)!.get(name);
    };
    return parseStackConfig(pulumi.getStack(), raw);
}
