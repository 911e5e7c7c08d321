import { describe, expect, it } from "vitest";
import { CERTIFICATES_HASH_ANNOTATION, SERVER_CERT_VALIDITY_DAYS, certificatesHash, renewalDays } from "../../../components/graph/certificates";
import { planNeo4jTestCluster } from "../../helpers/neo4j";

const PEM = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;

describe("the certificates hash on the pod template", () => {
    it("changes when the server certificate or the CA changes, not with surrounding whitespace", () => {
        const base = certificatesHash([PEM("server-a"), PEM("ca-1")]);
        expect(base).toMatch(/^[0-9a-f]{64}$/);
        expect(certificatesHash([PEM("server-b"), PEM("ca-1")])).not.toBe(base);
        expect(certificatesHash([PEM("server-a"), PEM("ca-2")])).not.toBe(base);
        expect(certificatesHash([`\n${PEM("server-a")}  `, PEM("ca-1")])).toBe(base);
        // Concatenation is not ambiguous: moving text from one certificate to the other changes the hash.
        expect(certificatesHash(["ab", "c"])).not.toBe(certificatesHash(["a", "bc"]));
    });

    it("annotates each server's pod template with the hash of its own certificate and the CA", async () => {
        const p = await planNeo4jTestCluster({}, 3);
        expect(p.error).toBeUndefined();
        const ca = p.outputs("tls:index/selfSignedCert:SelfSignedCert", "neo4j-ca").certPem as string;
        const hashes = [0, 1, 2].map((i) => {
            const cert = p.outputs("tls:index/locallySignedCert:LocallySignedCert", `neo4j-cert-${i}`).certPem as string;
            const set = p.inputs("kubernetes:apps/v1:StatefulSet", `neo4j-server-${i}`) as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
            const annotation = set.spec.template.metadata.annotations[CERTIFICATES_HASH_ANNOTATION];
            expect(annotation).toBe(certificatesHash([cert, ca]));
            return annotation;
        });
        expect(new Set(hashes).size).toBe(3);
        // Renewal windows a week apart: a weekly pulumi up renews (and restarts) one server at a time.
        expect([0, 1, 2].map((i) => p.inputs("tls:index/locallySignedCert:LocallySignedCert", `neo4j-cert-${i}`).earlyRenewalHours)).toEqual([720, 888, 1056]);
    });

    it("opens every server's renewal window inside the certificate's validity, a week after the previous one", () => {
        for (let i = 0; i < 9; i++) {
            expect(renewalDays(i + 1) - renewalDays(i)).toBe(7);
            expect(renewalDays(i)).toBeLessThan(SERVER_CERT_VALIDITY_DAYS / 2);
        }
    });
});
