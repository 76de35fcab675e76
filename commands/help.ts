// `help`: what the bot can do, in the words a technician would type.
import type { HelpView } from "./views.js";

export function help(prefix = "/contact"): HelpView {
  return {
    kind: "help",
    lines: [
      {
        usage: `${prefix} find <email | phone | name | #id>`,
        description: "Who is this? Any phone format works: (555) 123-4567, +44 7700 900123, 4567.",
      },
      { usage: `${prefix} <query>`, description: "Same as find." },
      { usage: `${prefix} new [client name]`, description: "Create a contact through a form." },
      { usage: `${prefix} edit <query>`, description: "Open the contact's form, filled in, to change it." },
      {
        usage: `${prefix} verify <query>`,
        description:
          "Check what a caller says against the contact's ITFlow PIN. The answer is only match or no match.",
      },
      { usage: `${prefix} help`, description: "This help." },
    ],
  };
}
