/**
 * Absolute file paths in a text (a driver's or the file system's message) replaced by their last segment:
 * answers and stored failure reasons name the file, never where the server keeps it. URLs are left alone
 * (a path right after `:`, `/` or a word character is not absolute).
 */
const ABSOLUTE_PATH =
  /(?<![\w:/.~-])(?:[A-Za-z]:)?[\\/](?:[^\s'"`,;()<>[\]{}\\/]+[\\/])+([^\s'"`,;()<>[\]{}\\/]+)/g

export function fileNamesOnly(text: string): string {
  return text.replace(ABSOLUTE_PATH, '$1')
}
