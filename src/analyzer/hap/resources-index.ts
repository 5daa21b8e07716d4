// resources.index, the HarmonyOS resource table written by restool (developtools_global_resource_tool),
// read only to resolve app.label ("$string:app_name", id app.labelId). Layout as written by restool 2.x:
//   char version[128] | uint32 fileSize | uint32 configCount
//   configCount × ("KEYS" | uint32 idssOffset | uint32 keyCount | keyCount × (uint32 type, uint32 value))
//   at idssOffset: "IDSS" | uint32 count | count × (uint32 id, uint32 recordOffset)
//   record: uint32 size | uint32 resType | uint32 id | uint16 len, value\0 | uint16 len, name\0
// The configuration without keys is the default one; the label is taken from it when present.
import { ByteView } from '../bytes.ts';
import { LIMITS } from '../limits.ts';

interface Config { keyCount: number; idss: number }

export class HapResourceIndex {
  private constructor(private readonly v: ByteView, private readonly configs: Config[]) {}

  static parse(buf: Buffer): HapResourceIndex {
    const v = new ByteView(buf, 'malformed_resources', 'resources.index');
    const count = v.u32le(132);
    if (count > LIMITS.maxSigningPairs) v.fail(`${count} configurations`);
    const configs: Config[] = [];
    let p = 136;
    for (let i = 0; i < count; i++) {
      if (v.slice(p, 4).toString('latin1') !== 'KEYS') v.fail(`configuration ${i + 1} has no KEYS tag`);
      const keyCount = v.u32le(p + 8);
      if (keyCount > 64) v.fail(`configuration ${i + 1} has ${keyCount} keys`);
      configs.push({ idss: v.u32le(p + 4), keyCount });
      p += 12 + keyCount * 8;
    }
    // Default configuration first, then the others in file order.
    configs.sort((a, b) => Number(a.keyCount > 0) - Number(b.keyCount > 0));
    return new HapResourceIndex(v, configs);
  }

  /** The value of resource `id`, or of the resource named `name`, following "$string:" references. */
  resolve(id: number | null, name: string | null, hops = 0): string | null {
    if (hops > LIMITS.maxReferenceHops) return null;
    for (const config of this.configs) {
      const record = this.find(config, id, name);
      if (!record) continue;
      const ref = /^\$string:(.+)$/.exec(record.value);
      return ref ? this.resolve(null, ref[1] ?? null, hops + 1) : record.value;
    }
    return null;
  }

  private find(config: Config, id: number | null, name: string | null): { value: string; name: string } | null {
    const v = this.v;
    if (v.slice(config.idss, 4).toString('latin1') !== 'IDSS') v.fail('configuration points at no IDSS table');
    const count = v.u32le(config.idss + 4);
    v.need(config.idss + 8, count * 8);
    for (let i = 0; i < count; i++) {
      const at = config.idss + 8 + i * 8;
      if (id !== null && v.u32le(at) !== id) continue;
      const record = this.record(v.u32le(at + 4));
      if (id !== null || record.name === name) return record;
    }
    return null;
  }

  private record(at: number): { value: string; name: string } {
    const valueLength = this.v.u16le(at + 12);
    const nameLength = this.v.u16le(at + 14 + valueLength);
    const text = (o: number, n: number) => this.v.slice(o, n).toString('utf8').replace(/\0+$/, '');
    return { value: text(at + 14, valueLength), name: text(at + 16 + valueLength, nameLength) };
  }
}
