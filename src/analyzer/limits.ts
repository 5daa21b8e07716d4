// Caps on everything read from an untrusted package. A real package stays far below each of
// them; hostile input hits one and fails fast with a named error instead of eating memory or time.
// Memory use is bounded by the largest cap we buffer (RESOURCES_BYTES), whatever the package size.

const MiB = 1024 * 1024;

export const LIMITS = {
  /** Central-directory entries; large games have tens of thousands of files. */
  maxEntries: 200_000,
  /** Bytes of the central directory, read whole (an entry costs 46 bytes + name + extra + comment). */
  maxCentralDirectoryBytes: 32 * MiB,
  /** AndroidManifest.xml, Info.plist, module.json, pack.info, embedded.mobileprovision. */
  manifestBytes: 8 * MiB,
  /** resources.arsc / resources.index, needed only for the app label; above this the label is skipped. */
  resourcesBytes: 48 * MiB,
  /** A v1 signature block file (.RSA/.DSA/.EC): a PKCS#7 with a short chain is a few KiB. */
  signatureFileBytes: 1 * MiB,
  /** One value of the APK Signing Block or one HAP sub-block we decode. */
  signingValueBytes: 8 * MiB,
  /** ID-value pairs in the APK Signing Block / sub-blocks in the HAP sign block. */
  maxSigningPairs: 1024,
  /** Mach-O: slices of a universal binary, load-command bytes, code-signature blob indexes. */
  maxMachOSlices: 16,
  machOLoadCommandBytes: 4 * MiB,
  maxSuperBlobSlots: 256,
  cmsBlobBytes: 2 * MiB,
  /**
   * Inflated/stored size of an executable streamed (never buffered) for its code signature. The
   * signature sits at the end of __LINKEDIT, so a deflated executable is inflated up to it: this cap
   * and executableMaxRatio bound that work. 1 GiB: the App Store allows at most 500 MB of __TEXT
   * (all slices together, iOS 9+), and the rest of a real executable is smaller than its code.
   */
  executableBytes: 1024 * MiB,
  /**
   * Declared compression ratio of a deflated executable: machine code deflates about 2–4:1 (the
   * fixture's universal binary 2.6:1). Above this (past ratioFloorBytes) it is refused as zip_bomb
   * before inflating, so the bytes inflated stay within 20× the bytes uploaded: a 23 MB upload can
   * no longer declare a 4 GB executable of zeros whose signature we would inflate our way to.
   */
  executableMaxRatio: 20,
  /**
   * Deflate cannot exceed ~1032:1; real manifests and resource tables compress < 20:1. A higher
   * declared ratio on an entry bigger than ratioFloorBytes is a decompression bomb.
   */
  maxCompressionRatio: 200,
  ratioFloorBytes: 1 * MiB,
  /** Nesting depth for binary XML elements, plists, JSON and ASN.1. */
  maxDepth: 64,
  maxXmlDepth: 512,
  /** Objects in one binary plist; resource-reference hops when resolving a label. */
  maxPlistObjects: 1_000_000,
  maxReferenceHops: 8,
  /** Certificates in one PKCS#7/CMS `certificates` set. */
  maxCertificates: 64,
} as const;
