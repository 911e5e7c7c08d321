import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { type ServerIdentity, certificateDnsNames } from "./neo4jSettings";

/**
 * The cluster CA: every server certificate of both regions is signed by it and every server trusts only it. The
 * primary region creates it; the other region signs its servers' certificates with the same key, read from the
 * primary's secret stack outputs (stacks/outputs.ts), so the two regions' servers authenticate each other.
 */
export interface ClusterCa {
    readonly certPem: pulumi.Output<string>;
    /** Secret. */
    readonly privateKeyPem: pulumi.Output<string>;
}

export function clusterCa(name: string, subject: string, parent: pulumi.Resource): ClusterCa {
    const key = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P384" }, { parent });
    const cert = new tls.SelfSignedCert(
        `${name}-ca`,
        {
            privateKeyPem: key.privateKeyPem,
            isCaCertificate: true,
            validityPeriodHours: 10 * 365 * 24,
            allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
            subject: { commonName: subject, organization: "IntelGraph" },
        },
        { parent },
    );
    return { certPem: cert.certPem, privateKeyPem: pulumi.secret(key.privateKeyPem) };
}

/** A server's TLS Secret and the hash of the certificates in it (for the pod template). */
export interface ServerTls {
    readonly secret: k8s.core.v1.Secret;
    readonly certificatesSha256: pulumi.Output<string>;
}

export const SERVER_CERT_VALIDITY_DAYS = 365;

/**
 * Days before expiry a server's certificate is renewed (by the first pulumi up inside that window). The servers'
 * windows open a week apart: the certificates are created together, and renewing them in one update would restart
 * every server at once (the StatefulSets update in parallel; the PodDisruptionBudget does not cover a rollout).
 */
export function renewalDays(index: number): number {
    return 30 + 7 * index;
}

/**
 * A server's key and certificate: SANs are the fixed IP every address is advertised under (peers of the other
 * region connect to it) and the in-cluster names; server and client auth (mutual TLS).
 */
export function serverCertificate(
    name: string,
    s: ServerIdentity,
    address: string,
    ca: ClusterCa,
    metadata: k8s.types.input.meta.v1.ObjectMeta,
    parent: pulumi.Resource,
): ServerTls {
    const key = new tls.PrivateKey(`${name}-key-${s.index}`, { algorithm: "RSA", rsaBits: 2048 }, { parent });
    const csr = new tls.CertRequest(
        `${name}-csr-${s.index}`,
        { privateKeyPem: key.privateKeyPem, dnsNames: certificateDnsNames(s), ipAddresses: [address], subject: { commonName: s.fqdn, organization: "IntelGraph" } },
        { parent },
    );
    const cert = new tls.LocallySignedCert(
        `${name}-cert-${s.index}`,
        {
            certRequestPem: csr.certRequestPem,
            caPrivateKeyPem: ca.privateKeyPem,
            caCertPem: ca.certPem,
            validityPeriodHours: SERVER_CERT_VALIDITY_DAYS * 24,
            earlyRenewalHours: renewalDays(s.index) * 24,
            allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
        },
        { parent },
    );
    const secret = new k8s.core.v1.Secret(
        `${name}-tls-${s.index}`,
        { metadata, type: "kubernetes.io/tls", stringData: { "tls.crt": cert.certPem, "tls.key": key.privateKeyPem, "ca.crt": ca.certPem } },
        { parent },
    );
    return { secret, certificatesSha256: pulumi.all([cert.certPem, ca.certPem]).apply(([c, a]) => certificatesHash([c, a])) };
}

/**
 * Neo4j reads its SSL policies when it starts (Operations Manual 5.26, "SSL framework": configure the policy, then
 * restart Neo4j; the page documents no reload at runtime), and a changed Secret does not restart a pod. A
 * hash of the certificates on the pod template turns a renewal (earlyRenewalHours) or a new CA into a rolling update
 * of that StatefulSet. Only public certificates are hashed: a new key always comes with a new certificate, and
 * nothing derived from a private key is written into the pod template.
 */
export function certificatesHash(pems: readonly string[]): string {
    const h = createHash("sha256");
    for (const pem of pems) h.update(pem.trim()).update("\n");
    return h.digest("hex");
}

/** The pod-template annotation carrying certificatesHash. */
export const CERTIFICATES_HASH_ANNOTATION = "intelgraph.io/tls-certificates-sha256";
