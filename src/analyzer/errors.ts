// Every way the analyzer can refuse a package is a named fact with a stable code (house rule 6):
// callers (the API's problem+json mapping, the CLI's exit status, scripts) switch on `code`,
// never on the English message.

export const ANALYZER_ERROR_CODES = [
  'file_unreadable', // the path cannot be opened or read (missing, a directory, permissions)
  'not_a_zip', // no ZIP local-file magic and no end-of-central-directory record
  'truncated', // starts like a ZIP but data ends early (EOCD missing, reads past end of file)
  'malformed_zip', // central directory or local headers are inconsistent
  'zip_bomb', // an entry's compression ratio or inflated size is beyond any real package
  'entry_too_large', // an entry we must read is larger than its cap
  'unsupported_package', // a ZIP, but neither an APK, an IPA nor a HAP
  'malformed_manifest', // AndroidManifest.xml / Info.plist / module.json unusable
  'malformed_resources', // resources.arsc / resources.index unusable
  'malformed_plist', // binary or XML property list unusable (incl. cycles, over-deep nesting)
  'malformed_macho', // Mach-O executable or its code-signature super-blob unusable
  'malformed_signing_block', // APK Signing Block or HAP sign block unusable
  'malformed_asn1', // PKCS#7 / CMS / X.509 structure cannot be decoded
  'non_der_certificate', // certificate encoded in a way Android refuses (indefinite length, constructed string, 5+ length bytes)
] as const;

export type AnalyzerErrorCode = (typeof ANALYZER_ERROR_CODES)[number];

export class AnalyzerError extends Error {
  override readonly name = 'AnalyzerError';
  readonly code: AnalyzerErrorCode;

  constructor(code: AnalyzerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isAnalyzerError(err: unknown): err is AnalyzerError {
  return err instanceof AnalyzerError;
}

/** Asserts a structural condition of untrusted input; throws the given named error otherwise. */
export function check(condition: unknown, code: AnalyzerErrorCode, message: string): asserts condition {
  if (!condition) throw new AnalyzerError(code, message);
}
