// Binary XML (AndroidManifest.xml as stored in an APK; ResXMLTree in ResourceTypes.h): a flat list
// of chunks. We read the attributes of <manifest> and of <application> only. Attributes in the
// android namespace are identified by resource ID (as PackageParser does), so obfuscated attribute
// names cannot mislead us. Every chunk must advance the cursor and stay inside the file, so
// hostile sizes cannot loop or read out of bounds; element nesting is capped.
import { ByteView } from '../bytes.ts';
import { LIMITS } from '../limits.ts';
import { RES_STRING_POOL_TYPE, StringPool } from './string-pool.ts';

const RES_XML_TYPE = 0x0003;
const RES_XML_RESOURCE_MAP_TYPE = 0x0180;
const RES_XML_START_ELEMENT_TYPE = 0x0102;
const RES_XML_END_ELEMENT_TYPE = 0x0103;

// android.R.attr IDs (frameworks/base/core/res/res/values/public.xml).
const ATTR = { label: 0x01010001, versionCode: 0x0101021b, versionName: 0x0101021c, versionCodeMajor: 0x01010576 };

// Res_value data types.
const TYPE_REFERENCE = 0x01;
const TYPE_STRING = 0x03;
const TYPE_DYNAMIC_REFERENCE = 0x07;
const TYPE_INT_DEC = 0x10;
const TYPE_INT_HEX = 0x11;

export type AttrValue =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'reference'; id: number };

export interface ManifestFacts {
  packageName: string | null;
  versionCode: AttrValue | null;
  versionCodeMajor: AttrValue | null;
  versionName: AttrValue | null;
  label: AttrValue | null;
}

interface ParseState {
  pool: StringPool | null;
  resourceIds: number[];
  depth: number;
  facts: ManifestFacts;
}

export function parseManifest(buf: Buffer): ManifestFacts {
  const v = new ByteView(buf, 'malformed_manifest', 'AndroidManifest.xml');
  if (v.u16le(0) !== RES_XML_TYPE) v.fail('not a binary XML document (is the package built?)');
  const end = Math.min(v.u32le(4), v.length);
  const state: ParseState = {
    pool: null, resourceIds: [], depth: 0,
    facts: { packageName: null, versionCode: null, versionCodeMajor: null, versionName: null, label: null },
  };
  let off = v.u16le(2);
  while (off + 8 <= end) {
    const size = v.u32le(off + 4);
    if (size < 8 || off + size > end) v.fail(`chunk at byte ${off} has an invalid size ${size}`);
    readChunk(v, off, size, state);
    off += size;
  }
  return state.facts;
}

function readChunk(v: ByteView, off: number, size: number, state: ParseState): void {
  const type = v.u16le(off);
  if (type === RES_STRING_POOL_TYPE && !state.pool) {
    state.pool = StringPool.parse(v.view(off, size, 'AndroidManifest.xml string pool'));
  } else if (type === RES_XML_RESOURCE_MAP_TYPE) {
    const headerSize = v.u16le(off + 2);
    const n = Math.floor((size - headerSize) / 4);
    state.resourceIds = Array.from({ length: n }, (_, i) => v.u32le(off + headerSize + i * 4));
  } else if (type === RES_XML_START_ELEMENT_TYPE) {
    state.depth++;
    if (state.depth > LIMITS.maxXmlDepth) v.fail(`elements nested deeper than ${LIMITS.maxXmlDepth}`);
    readElement(v, off, size, state);
  } else if (type === RES_XML_END_ELEMENT_TYPE) {
    state.depth--;
    if (state.depth < 0) v.fail('an element ends that never started');
  }
}

function readElement(v: ByteView, off: number, size: number, state: ParseState): void {
  if (!state.pool) v.fail('element before the string pool');
  const ext = off + v.u16le(off + 2);
  const name = state.pool.get(v.u32le(ext + 4));
  const attrStart = v.u16le(ext + 8);
  const attrSize = v.u16le(ext + 10);
  const attrCount = v.u16le(ext + 12);
  if (attrCount > 0 && (attrSize < 20 || ext + attrStart + attrCount * attrSize > off + size)) {
    v.fail(`element <${name}> has attributes outside its chunk`);
  }
  if (state.depth === 1 && name !== 'manifest') v.fail(`root element is <${name}>, not <manifest>`);
  const isManifest = state.depth === 1;
  const isApplication = state.depth === 2 && name === 'application';
  if (!isManifest && !isApplication) return;
  for (let i = 0; i < attrCount; i++) {
    const at = ext + attrStart + i * attrSize;
    const key = attributeKey(v, at, state);
    const value = attributeValue(v, at, state.pool);
    if (isManifest) assignManifestAttribute(state.facts, key, value);
    else if (key === ATTR.label) state.facts.label = value;
  }
}

/** Resource ID when the attribute name has one, else the name itself (e.g. "package"). */
function attributeKey(v: ByteView, at: number, state: ParseState): number | string | null {
  const nameIndex = v.u32le(at + 4);
  const id = state.resourceIds[nameIndex];
  if (id !== undefined && id !== 0) return id;
  return state.pool?.get(nameIndex) ?? null;
}

function assignManifestAttribute(facts: ManifestFacts, key: number | string | null, value: AttrValue | null): void {
  if (key === 'package' && value?.kind === 'string') facts.packageName = value.value;
  else if (key === ATTR.versionCode) facts.versionCode = value;
  else if (key === ATTR.versionCodeMajor) facts.versionCodeMajor = value;
  else if (key === ATTR.versionName) facts.versionName = value;
}

function attributeValue(v: ByteView, at: number, pool: StringPool): AttrValue | null {
  const raw = v.u32le(at + 8);
  const dataType = v.u8(at + 15);
  const data = v.u32le(at + 16);
  switch (dataType) {
    case TYPE_STRING: {
      const s = pool.get(raw !== 0xffffffff ? raw : data);
      return s === null ? null : { kind: 'string', value: s };
    }
    case TYPE_INT_DEC:
    case TYPE_INT_HEX:
      return { kind: 'int', value: data };
    case TYPE_REFERENCE:
    case TYPE_DYNAMIC_REFERENCE:
      return { kind: 'reference', id: data };
    default: {
      // Untyped attributes (aapt --no-version-vectors builds, hand-made manifests) keep the raw string.
      const s = raw !== 0xffffffff ? pool.get(raw) : null;
      return s === null ? null : { kind: 'string', value: s };
    }
  }
}
