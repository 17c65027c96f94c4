// A Vite plugin that lists the npm packages whose code ends up in the built UI, with their
// licences from each package's own package.json, as dist/licenses.json (for the About
// dialog). Generated on every build from what the bundle really contains.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "vite";

interface Bundled {
  name: string;
  version: string;
  license: string;
  repository: string | null;
}

/** `…/node_modules/@scope/name/…` → `@scope/name`, for the innermost node_modules. */
function packageOf(file: string): { name: string; dir: string } | null {
  const marker = "/node_modules/";
  const at = file.lastIndexOf(marker);
  if (at < 0) return null;
  const rest = file.slice(at + marker.length).split("/");
  const name = rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  if (!name) return null;
  return { name, dir: file.slice(0, at + marker.length) + name };
}

export function bundledLicenses(): Plugin {
  return {
    name: "appwarden-bundled-licenses",
    apply: "build",
    generateBundle(_options, bundle) {
      const found = new Map<string, Bundled>();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        for (const id of Object.keys(chunk.modules)) {
          const pkg = packageOf(id.replace(/\\/g, "/").replace(/^\0/, ""));
          if (!pkg || found.has(pkg.name)) continue;
          const manifest = JSON.parse(readFileSync(join(pkg.dir, "package.json"), "utf8")) as {
            version: string;
            license?: string;
            repository?: string | { url?: string };
          };
          const repository = typeof manifest.repository === "string" ? manifest.repository : (manifest.repository?.url ?? null);
          found.set(pkg.name, {
            name: pkg.name,
            version: manifest.version,
            license: manifest.license ?? "see its license file",
            repository,
          });
        }
      }
      const rows = [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
      this.emitFile({ type: "asset", fileName: "licenses.json", source: `${JSON.stringify(rows, null, 1)}\n` });
    },
  };
}
