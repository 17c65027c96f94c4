// The installations table's orders, fast at 100,000 rows. Every order is by a column, then
// by ID (ascending either way). The orders by ID and by account are kept as rows stream in
// (what arrived since last time is sorted alone and merged in); any other is made from the
// order by ID with one native sort of numbers, each row's column value and position packed
// into one float64, and kept until the rows change.
import type { Row } from "./rows";

export type SortKey = "account" | "id" | "account_type" | "repository_selection" | "suspended" | "created_at" | "updated_at";
export type SortDirection = "asc" | "desc";

const sortValue: Record<SortKey, (row: Row) => string | number> = {
  account: (row) => row.accountKey,
  id: (row) => row.id,
  account_type: (row) => row.account_type,
  repository_selection: (row) => row.repository_selection,
  suspended: (row) => row.suspended,
  created_at: (row) => row.created,
  updated_at: (row) => row.updated,
};

/** The table's order as a comparison. */
export function compareBy(sort: SortKey, direction: SortDirection): (a: Row, b: Row) => number {
  const factor = direction === "asc" ? 1 : -1;
  const value = sortValue[sort];
  return (a, b) => {
    const x = value(a);
    const y = value(b);
    if (x < y) return -factor;
    if (x > y) return factor;
    return a.id - b.id;
  };
}

/** The rows in display order (a sorted copy), by comparisons. */
export function sortRows(rows: Row[], sort: SortKey, direction: SortDirection): Row[] {
  return rows.slice().sort(compareBy(sort, direction));
}

/** `sorted` and `more` (both in `compare`'s order) as one list in that order. */
export function mergeSorted(sorted: Row[], more: Row[], compare: (a: Row, b: Row) => number): Row[] {
  const merged: Row[] = new Array(sorted.length + more.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < sorted.length && j < more.length) {
    merged[k++] = compare(sorted[i]!, more[j]!) <= 0 ? sorted[i++]! : more[j++]!;
  }
  while (i < sorted.length) merged[k++] = sorted[i++]!;
  while (j < more.length) merged[k++] = more[j++]!;
  return merged;
}

// Row positions are packed below the column value: 2^20 rows, values below 2^33 (seconds
// until the year 2242), together within float64's 53 exact bits.
const SLOTS = 2 ** 20;

/** `byId` ordered by a whole-number column value (below 2^33), then by ID. */
function packedOrder(byId: Row[], value: (row: Row) => number, direction: SortDirection): Row[] {
  const sign = direction === "asc" ? 1 : -1;
  const packed = new Float64Array(byId.length);
  for (let i = 0; i < byId.length; i++) packed[i] = sign * value(byId[i]!) * SLOTS + i;
  packed.sort();
  const ordered: Row[] = new Array(byId.length);
  for (let i = 0; i < packed.length; i++) {
    const key = packed[i]!;
    ordered[i] = byId[key - Math.floor(key / SLOTS) * SLOTS]!;
  }
  return ordered;
}

/** The ranks of a column's few distinct strings, in string order. */
function ranks(rows: Row[], value: (row: Row) => string): Map<string, number> {
  const distinct = [...new Set(rows.map(value))].sort();
  return new Map(distinct.map((text, rank) => [text, rank]));
}

/** `sorted` (ascending by `key`, then ID) the other way round, ties still by ascending ID. */
function reversedKeepingTies(sorted: Row[], key: (row: Row) => string | number): Row[] {
  const reversed = sorted.slice().reverse();
  for (let start = 0; start < reversed.length; ) {
    let end = start + 1;
    while (end < reversed.length && key(reversed[end]!) === key(reversed[start]!)) end++;
    if (end - start > 1) {
      const run = reversed.slice(start, end).reverse();
      for (let i = 0; i < run.length; i++) reversed[start + i] = run[i]!;
    }
    start = end;
  }
  return reversed;
}

const byIdAsc = compareBy("id", "asc");
const byAccountAsc = compareBy("account", "asc");

/**
 * The orders of one listing. A listing's rows only grow while it streams (the same array,
 * appended to): the rows that arrived since last time are merged into the orders kept (by
 * ID always, by account once it has been asked for), and the order asked for is made again
 * only if it is not one of those. Another array is ordered afresh.
 */
export class SortIndex {
  private source: Row[] | null = null;
  private count = 0;
  private byId: Row[] = [];
  /** Made when an order by account is first asked for, then kept up to date. */
  private byAccount: Row[] | null = null;
  private made = new Map<string, Row[]>();

  order(rows: Row[], sort: SortKey, direction: SortDirection): Row[] {
    this.follow(rows);
    const key = `${sort} ${direction}`;
    let ordered = this.made.get(key);
    if (!ordered) {
      ordered = this.make(sort, direction);
      this.made.set(key, ordered);
    }
    return ordered;
  }

  private follow(rows: Row[]) {
    if (rows === this.source && rows.length === this.count) return;
    if (rows === this.source && rows.length > this.count) {
      const more = rows.slice(this.count);
      this.byId = mergeSorted(this.byId, more.slice().sort(byIdAsc), byIdAsc);
      if (this.byAccount) this.byAccount = mergeSorted(this.byAccount, more.sort(byAccountAsc), byAccountAsc);
    } else {
      this.byId = rows.slice().sort(byIdAsc);
      this.byAccount = null;
    }
    this.source = rows;
    this.count = rows.length;
    this.made.clear();
  }

  private accountOrder(): Row[] {
    this.byAccount ??= this.byId.slice().sort(byAccountAsc);
    return this.byAccount;
  }

  private make(sort: SortKey, direction: SortDirection): Row[] {
    const asc = direction === "asc";
    switch (sort) {
      case "account":
        return asc ? this.accountOrder() : reversedKeepingTies(this.accountOrder(), (row) => row.accountKey);
      case "id":
        return asc ? this.byId : this.byId.slice().reverse();
      default:
        break;
    }
    if (this.byId.length >= SLOTS) return sortRows(this.byId, sort, direction);
    switch (sort) {
      case "account_type": {
        const rank = ranks(this.byId, (row) => row.account_type);
        return packedOrder(this.byId, (row) => rank.get(row.account_type)!, direction);
      }
      case "repository_selection": {
        const rank = ranks(this.byId, (row) => row.repository_selection);
        return packedOrder(this.byId, (row) => rank.get(row.repository_selection)!, direction);
      }
      case "suspended":
        return packedOrder(this.byId, (row) => row.suspended, direction);
      case "created_at":
        return packedOrder(this.byId, (row) => row.created, direction);
      case "updated_at":
        return packedOrder(this.byId, (row) => row.updated, direction);
    }
  }
}
