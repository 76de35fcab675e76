// PHP's strip_tags() with no allowed tags, ported from php_strip_tags_ex (ext/standard/string.c).
// The quirks matter for the fake: a "<" that is not followed by whitespace opens a tag that runs to
// the next ">" or to the end of the text, so "Bob <3 Alice" becomes "Bob " (and "Bob" once trimmed).

// text, inside a tag, inside <? ... ?>, inside <! ... >, inside <!-- ... -->
type State = "text" | "tag" | "php" | "declaration" | "comment";

/** C isspace() in the C locale. */
function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\v" || ch === "\f" || ch === "\r";
}

function isDoctypeEnd(text: string, at: number): boolean {
  return at > 6 && text.slice(at - 6, at + 1).toLowerCase() === "doctype";
}

function isXmlDeclaration(text: string, at: number): boolean {
  return at > 4 && text.slice(at - 4, at + 1).toLowerCase() === "<?xml";
}

export function stripTags(input: string): string {
  let out = "";
  let state: State = "text";
  let depth = 0; // nested "<" inside a tag
  let inQuote = ""; // quote character that opened a quoted attribute value
  let lastSignificant = ""; // PHP's `lc`
  let parens = 0; // PHP's `br`, inside <? ... ?>
  let isXml = false;

  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    const prev = i > 0 ? input[i - 1] : undefined;

    switch (state) {
      case "text":
        if (c === "\0") break;
        if (c === "<") {
          if (inQuote) break;
          if (isSpace(input[i + 1])) {
            out += c;
            break;
          }
          lastSignificant = "<";
          state = "tag";
          break;
        }
        if (c === ">") {
          if (depth) {
            depth--;
            break;
          }
          if (inQuote) break;
        }
        out += c;
        break;

      case "tag":
        if (c === "<") {
          if (inQuote || isSpace(input[i + 1])) break;
          depth++;
        } else if (c === ">") {
          if (depth) {
            depth--;
            break;
          }
          if (inQuote) break;
          lastSignificant = ">";
          if (isXml && prev === "-") break;
          inQuote = "";
          isXml = false;
          state = "text";
        } else if (c === '"' || c === "'") {
          if (i !== 0 && (!inQuote || c === inQuote)) inQuote = inQuote ? "" : c;
        } else if (c === "!" && prev === "<") {
          state = "declaration";
          lastSignificant = c;
        } else if (c === "?" && prev === "<") {
          parens = 0;
          state = "php";
        }
        break;

      case "php":
        if (c === "(" || c === ")") {
          if (lastSignificant !== '"' && lastSignificant !== "'") {
            lastSignificant = c;
            parens += c === "(" ? 1 : -1;
          }
        } else if (c === ">") {
          if (depth) {
            depth--;
            break;
          }
          if (inQuote) break;
          if (!parens && lastSignificant !== '"' && prev === "?") {
            inQuote = "";
            state = "text";
          }
        } else if (c === '"' || c === "'") {
          if (prev !== undefined && prev !== "\\") {
            if (lastSignificant === c) lastSignificant = "";
            else if (lastSignificant !== "\\") lastSignificant = c;
            if (!inQuote || c === inQuote) inQuote = inQuote ? "" : c;
          }
        } else if ((c === "l" || c === "L") && isXmlDeclaration(input, i)) {
          state = "tag";
          isXml = true;
        }
        break;

      case "declaration":
        if (c === ">") {
          if (depth) {
            depth--;
            break;
          }
          if (inQuote) break;
          inQuote = "";
          state = "text";
        } else if (c === '"' || c === "'") {
          if (i !== 0 && prev !== "\\" && (!inQuote || c === inQuote)) inQuote = inQuote ? "" : c;
        } else if (c === "-" && prev === "-" && input[i - 2] === "!") {
          state = "comment";
        } else if ((c === "e" || c === "E") && isDoctypeEnd(input, i)) {
          state = "tag";
        }
        break;

      case "comment":
        if (c === ">" && !inQuote && prev === "-" && input[i - 2] === "-") {
          inQuote = "";
          state = "text";
        }
        break;
    }
  }
  return out;
}
