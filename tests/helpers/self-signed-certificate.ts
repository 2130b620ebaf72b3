import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * A self-signed certificate and its key, made in `dir` for this run with the openssl CLI
 * (Node cannot make one). `subjectAltName` names what it is for: `DNS:files.example.com`
 * or `IP:127.0.0.1`. Valid for a day; .ci/run installs openssl where it is missing.
 */
export function makeSelfSignedCertificate(
  dir: string,
  subjectAltName: string,
): { certFile: string; keyFile: string } {
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const commonName = subjectAltName.replace(/^[A-Z]+:/, "");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${commonName}`,
      "-addext",
      `subjectAltName=${subjectAltName}`,
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return { certFile, keyFile };
}
