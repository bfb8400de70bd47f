/**
 * WordPress writes more than HTML into a post: shortcodes (`[gallery ids="1,2"]`,
 * `[caption]<img> A caption[/caption]`, `[embed]https://…[/embed]`, and the page
 * builders' `[vc_row][vc_column_text]…[/vc_column_text][/vc_row]` or
 * `[et_pb_section][et_pb_text]…[/et_pb_text][/et_pb_section]`) and the block
 * editor's comments (`<!-- wp:paragraph -->`). None of it may reach a patient.
 * Shortcodes are told by shape, not by name: a tag with attributes, a name with
 * `_` or `-`, a tag that has its closing `[/name]`, or one of the core media
 * tags. Enclosing ones are unwrapped to their contents (the page builders' text,
 * a caption's words), unless the contents are only an address or a file (an
 * embed); the others are dropped. Brackets around ordinary words ("[sic]", a
 * footnote "[1]") are text and stay.
 */

const CORE_MEDIA = new Set(["caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist"]);
const TAG = /\[(\/)?([a-z][\w-]*)((?:\s+[^\]]*?)?)\s*(\/)?\]/gi;
const BLOCK_COMMENT = /<!--\s*\/?wp:[\s\S]*?-->/g;

export function stripShortcodes(text: string): string {
  if (!text.includes("[") && !text.includes("<!--")) return text;
  let result = text.replace(BLOCK_COMMENT, "");
  const closed = new Set<string>();
  for (const match of result.matchAll(TAG)) if (match[1]) closed.add(match[2]!.toLowerCase());
  const isShortcode = (name: string, attributes: string) =>
    closed.has(name) || CORE_MEDIA.has(name) || /[_-]/.test(name) || /^\s+[\w-]+\s*=/.test(attributes);
  // Enclosing shortcodes whose contents are only an address or a file name: an embed, a video.
  result = result.replace(/\[([a-z][\w-]*)(\s[^\]]*)?\]\s*(https?:\/\/\S+?|[\w./-]+\.(?:jpe?g|png|gif|webp|mp4|mp3|pdf))\s*\[\/\1\]/gi, (whole, name: string, attributes = "") =>
    isShortcode(name.toLowerCase(), attributes) ? "" : whole,
  );
  return result.replace(TAG, (whole, _slash, name: string, attributes: string) => (isShortcode(name.toLowerCase(), attributes) ? "" : whole));
}
