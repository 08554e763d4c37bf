/**
 * Why a container image reference is not pinned to an explicit version, or `undefined` when it
 * is. Pinned means a digest (`name@sha256:…`) or a tag that starts with at least
 * `major.minor` (`postgres:16.4`, `node:20.20.2-bookworm-slim`, `temporalio/ui:2.34.0`).
 * Rejected: no tag, `latest`, moving tags without a version (`lts`, `bookworm`), major-only tags
 * (`postgres:16`, `node:20-slim`) and references built from variables (`${VERSION}`), whose value
 * cannot be checked statically.
 *
 * Pure; never throws.
 */
export function unpinnedImageReason(reference: string): string | undefined {
  const ref = reference.trim();
  if (ref === '') return 'is empty';
  if (ref.includes('$')) return 'is built from a variable; write the version literally';
  const digestAt = ref.indexOf('@');
  if (digestAt !== -1) {
    return /^sha256:[0-9a-f]{64}$/.test(ref.slice(digestAt + 1)) ? undefined : 'has a malformed digest';
  }
  // The tag follows the last ':' after the last '/', so a registry port (host:5000/x) is no tag.
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  if (colon === -1) return 'has no tag (means latest)';
  const tag = ref.slice(colon + 1);
  if (tag === 'latest') return 'uses the moving tag latest';
  if (!/^v?\d+\.\d+/.test(tag)) return `uses the tag "${tag}", which is not an explicit major.minor version`;
  return undefined;
}
