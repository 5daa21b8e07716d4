// A certificate fingerprint in every format filing consoles and tools print (DOMAIN.md §0.1):
// lowercase plain, uppercase plain, colon-separated uppercase (keytool), space-separated.
export function fingerprintFormats(hex: string): string[] {
  const plain = hex.replace(/[^0-9a-f]/gi, '').toLowerCase();
  const pairs = plain.match(/../g) ?? [];
  return [plain, plain.toUpperCase(), pairs.join(':').toUpperCase(), pairs.join(' ').toUpperCase()];
}
