import { describe, expect, it } from "vitest";
import type { PatRow } from "./bindings/PatRow";
import type { SamlRow } from "./bindings/SamlRow";
import { filterPats, filterSaml, permissionList, sortPats } from "./pats";

const row = (id: number, owner: string, marks: PatRow["marks"], since: string): PatRow => ({
  id,
  owner,
  owner_avatar_url: null,
  token_name: `token-${id}`,
  token_id: id + 100,
  reason: id === 2 ? "release pipeline" : null,
  repository_selection: "all",
  organization_permissions: id === 3 ? { members: "read" } : {},
  repository_permissions: { metadata: "read", contents: "write" },
  since,
  expires_at: null,
  last_used_at: null,
  marks,
});

const rows = [row(1, "mona", ["never_used"], "2026-11-01T00:00:00Z"), row(2, "hubot", ["expired"], "2026-11-03T00:00:00Z"), row(3, "alice", [], "2026-11-02T00:00:00Z")];

describe("token tabs", () => {
  it("filters by text (owner, token, reason) and by mark", () => {
    expect(filterPats(rows, "release", "").map((r) => r.id)).toEqual([2]);
    expect(filterPats(rows, "MONA", "").map((r) => r.id)).toEqual([1]);
    expect(filterPats(rows, "", "expired").map((r) => r.id)).toEqual([2]);
    expect(filterPats(rows, "members", "").map((r) => r.id)).toEqual([3]);
  });

  it("sorts by date and owner both ways", () => {
    expect(sortPats(rows, "since", false).map((r) => r.id)).toEqual([2, 3, 1]);
    expect(sortPats(rows, "owner", true).map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it("lists permissions without metadata, organization ones first", () => {
    expect(permissionList(rows[2]!)).toEqual(["org members: read", "contents: write"]);
  });

  it("filters SAML authorizations by type and text", () => {
    const saml = (id: number, login: string, type: string): SamlRow => ({
      credential_id: id,
      login,
      credential_type: type,
      identity: `…0000000${id}`,
      scopes: [],
      authorized_at: "2026-11-01T00:00:00Z",
      accessed_at: null,
      expires_at: null,
      title: null,
    });
    const list = [saml(1, "mona", "SSH key"), saml(2, "hubot", "personal access token")];
    expect(filterSaml(list, "", "SSH key").map((r) => r.credential_id)).toEqual([1]);
    expect(filterSaml(list, "00002", "").map((r) => r.credential_id)).toEqual([2]);
  });
});
