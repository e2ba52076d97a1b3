/**
 * `lshw -json`: a tree of nodes, each with a `class` (system, memory,
 * processor, disk, storage...). Nodes are found by class and id, never by
 * position: the tree's shape changes with the machine and the lshw version.
 * Some builds print the tree inside an array.
 */
import { bytes, categoryOfChassis, str, text, type ReadDrive, type ReadMachine, type ReadReport } from './draft.js';
import { unreadable } from './report-text.js';

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every node, depth first, and whether it hangs off a USB bus; the tree's depth was bounded before parsing. */
function* nodes(root: Node): Generator<{ node: Node; usb: boolean }> {
  const stack: Array<{ node: Node; usb: boolean }> = [{ node: root, usb: false }];
  let seen = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (++seen > 100_000) throw unreadable('The lshw tree has more than 100000 nodes.');
    yield item;
    const usb = item.usb || str(item.node.businfo).startsWith('usb@');
    const children = item.node.children;
    if (Array.isArray(children)) for (let i = children.length - 1; i >= 0; i--) if (isNode(children[i])) stack.push({ node: children[i] as Node, usb });
  }
}

export function looksLikeLshw(value: unknown): boolean {
  const root: unknown = Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
  return isNode(root) && typeof root.class === 'string' && ('children' in root || root.class === 'system');
}

/** A node's size in bytes, when lshw gave it in bytes. */
function sizeBytes(n: Node, field: string): number | undefined {
  if (n.units !== undefined && n.units !== 'bytes') return undefined;
  return bytes(n.size, field);
}

const config = (n: Node): Node => (isNode(n.configuration) ? n.configuration : {});

/** lshw prints the product name with the SKU after it in parentheses: "AOHAPPY (NetTopSku)". */
function productName(product: string | undefined): string | undefined {
  if (product === undefined) return undefined;
  return text(product.replace(/\s*\([^()]*\)\s*$/, '')) ?? product;
}

export function readLshw(value: unknown): ReadReport {
  const warnings: string[] = [];
  let root: unknown = value;
  if (Array.isArray(value)) {
    if (value.length !== 1) throw unreadable('An lshw array must hold the one system node.');
    root = value[0];
  }
  if (!isNode(root)) throw unreadable('The lshw report is not an object.');
  const walked = [...nodes(root)];
  const all = walked.map((w) => w.node);
  const onUsb = new Set(walked.filter((w) => w.usb).map((w) => w.node));
  const system = root.class === 'system' ? root : all.find((n) => n.class === 'system');
  const machine: ReadMachine = {};
  if (system) {
    machine.chassis = text(config(system).chassis);
    machine.category = categoryOfChassis(machine.chassis);
    machine.make = text(system.vendor, 100);
    machine.model = productName(text(system.product, 100));
    machine.serialNumber = text(system.serial, 100);
    // Lenovo puts the marketing name in version ("ThinkPad X1 Carbon 5th") and the machine type in product.
    const version = text(system.version, 100);
    if (machine.make && /lenovo/i.test(machine.make) && version && /think|idea|yoga|legion/i.test(version)) machine.model = version;
  }
  const cpu = all.find((n) => n.class === 'processor' && text(n.product) !== undefined && n.disabled !== true);
  machine.cpu = cpu ? text(cpu.product) : undefined;
  // The memory node lshw sums the banks into ("System Memory", id "memory"); its banks as a fallback.
  const memory = all.find((n) => n.class === 'memory' && (n.id === 'memory' || /^memory(:\d+)?$/.test(str(n.id))) && /system memory/i.test(str(n.description)));
  if (memory) machine.ramBytes = sizeBytes(memory, 'The system memory size');
  if (machine.ramBytes === undefined) {
    const banks = all.filter((n) => n.class === 'memory' && /^bank/.test(str(n.id)));
    const sizes = banks.map((b, i) => sizeBytes(b, `Memory bank ${i}`)).filter((s): s is number => s !== undefined);
    if (sizes.length > 0) machine.ramBytes = sizes.reduce((a, b) => a + b, 0);
  }

  const drives: ReadDrive[] = [];
  for (const n of all) {
    const id = str(n.id);
    if (n.class === 'disk' && !/cdrom|dvd|cd-rom/i.test(`${id} ${str(n.description)}`) && !/^(volume|logicalvolume)/.test(id)) {
      const serial = text(n.serial, 100);
      const capacityBytes = sizeBytes(n, `The size of disk ${id}`);
      // A medium inside a drive, or an NVMe namespace: the drive (its controller) is read instead.
      if (id.startsWith('medium') || id.startsWith('namespace')) continue;
      if (onUsb.has(n)) {
        if (capacityBytes !== undefined) warnings.push(`${text(n.product) ?? 'A drive'} on USB (${serial ?? 'no serial'}) is not registered: the boot stick or an external drive?`);
        continue;
      }
      if (capacityBytes === undefined) continue; // a card reader slot without a card
      const rotational = config(n).rotational ?? n.rotational;
      drives.push({
        serialNumber: serial,
        capacityBytes,
        model: text(n.product, 200),
        kind: /nvme/i.test(`${str(n.businfo)} ${str(n.logicalname)}`) ? 'nvme' : /mmc/i.test(str(n.logicalname)) ? 'emmc' : undefined,
        source: 'lshw',
        ...(rotational === '0' || rotational === false ? { kind: 'ssd' as const } : {}),
      });
    } else if (n.class === 'storage' && /nvme/i.test(`${id} ${str(n.description)}`) && text(n.serial) !== undefined) {
      // An NVMe controller carries the drive's serial and model; its namespace child, when printed, the size.
      const namespaces = Array.isArray(n.children) ? n.children.filter(isNode).filter((c) => c.class === 'disk') : [];
      const capacityBytes = namespaces.map((c, i) => sizeBytes(c, `NVMe namespace ${i}`)).find((s) => s !== undefined);
      drives.push({ serialNumber: text(n.serial, 100), capacityBytes, model: text(n.product, 200), kind: 'nvme', source: 'lshw' });
    }
  }
  if (!system) warnings.push('The lshw report has no system node: make, model and serial number are missing.');
  return { format: 'lshw', machine, drives, warnings };
}
