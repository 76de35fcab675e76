// Discord's limits from shared/platform-limits.md, as checks over the JSON that would reach Discord.
// The fake REST rejects a violating payload the way Discord does (400, code 50035), and the unit
// test runs every embed and modal the adapter can build through the same checks.
// These numbers are written out here on purpose, not imported from the adapter: a limit the
// adapter got wrong must not be "confirmed" by its own constant.

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function arr(v: Json): Json[] {
  return Array.isArray(v) ? v : [];
}
function str(v: Json): string | undefined {
  return typeof v === "string" ? v : undefined;
}

const CUSTOM_ID = { min: 1, max: 100 };

function checkCustomId(where: string, v: Json, problems: string[]): void {
  const id = str(v);
  if (id === undefined || id.length < CUSTOM_ID.min || id.length > CUSTOM_ID.max) {
    problems.push(`${where}: custom_id must be 1-100 characters (got ${JSON.stringify(v)})`);
  }
}

function checkLength(where: string, v: Json, max: number, problems: string[], min = 0): void {
  if (v === undefined || v === null) {
    if (min > 0) problems.push(`${where}: missing`);
    return;
  }
  const s = str(v);
  if (s === undefined) problems.push(`${where}: not a string`);
  else if (s.length < min || s.length > max)
    problems.push(`${where}: length ${s.length} not in ${min}-${max}`);
}

export function checkEmbed(embed: Json, where: string, problems: string[]): void {
  if (!isObject(embed)) {
    problems.push(`${where}: not an object`);
    return;
  }
  checkLength(`${where}.title`, embed.title, 256, problems);
  checkLength(`${where}.description`, embed.description, 4096, problems);
  const fields = arr(embed.fields);
  if (fields.length > 25) problems.push(`${where}: ${fields.length} fields > 25`);
  let total = (str(embed.title)?.length ?? 0) + (str(embed.description)?.length ?? 0);
  fields.forEach((f, i) => {
    if (!isObject(f)) return;
    checkLength(`${where}.fields[${i}].name`, f.name, 256, problems, 1);
    checkLength(`${where}.fields[${i}].value`, f.value, 1024, problems, 1);
    total += (str(f.name)?.length ?? 0) + (str(f.value)?.length ?? 0);
  });
  if (isObject(embed.footer)) {
    checkLength(`${where}.footer.text`, embed.footer.text, 2048, problems, 1);
    total += str(embed.footer.text)?.length ?? 0;
  }
  if (isObject(embed.author)) {
    checkLength(`${where}.author.name`, embed.author.name, 256, problems, 1);
    total += str(embed.author.name)?.length ?? 0;
  }
  if (total > 6000) problems.push(`${where}: ${total} characters in all > 6000`);
  if (embed.url !== undefined && !/^https?:\/\//.test(str(embed.url) ?? ""))
    problems.push(`${where}.url: not http(s)`);
}

function checkSelectOptions(where: string, options: Json[], max: number, problems: string[]): void {
  if (options.length < 1 || options.length > max)
    problems.push(`${where}: ${options.length} options not in 1-${max}`);
  const values = new Set<string>();
  options.forEach((o, i) => {
    if (!isObject(o)) return;
    checkLength(`${where}[${i}].label`, o.label, 100, problems, 1);
    checkLength(`${where}[${i}].value`, o.value, 100, problems, 1);
    checkLength(`${where}[${i}].description`, o.description, 100, problems);
    const v = str(o.value) ?? "";
    if (values.has(v)) problems.push(`${where}[${i}]: duplicate value ${v}`);
    values.add(v);
  });
}

export function checkMessage(data: Json, problems: string[] = []): string[] {
  if (!isObject(data)) return [...problems, "message: not an object"];
  checkLength("content", data.content, 2000, problems);
  const embeds = arr(data.embeds);
  if (embeds.length > 10) problems.push(`${embeds.length} embeds > 10`);
  embeds.forEach((e, i) => {
    checkEmbed(e, `embeds[${i}]`, problems);
  });
  const rows = arr(data.components);
  if (rows.length > 5) problems.push(`${rows.length} action rows > 5`);
  const ids = new Set<string>();
  rows.forEach((row, r) => {
    if (!isObject(row) || row.type !== 1) {
      problems.push(`components[${r}]: not an action row`);
      return;
    }
    const items = arr(row.components);
    if (items.length < 1 || items.length > 5)
      problems.push(`components[${r}]: ${items.length} components not in 1-5`);
    items.forEach((c, i) => {
      const where = `components[${r}][${i}]`;
      if (!isObject(c)) return;
      if (c.type === 2) {
        checkLength(`${where}.label`, c.label, 80, problems);
        if (c.style === 5) {
          checkLength(`${where}.url`, c.url, 512, problems, 1);
          if (c.custom_id !== undefined) problems.push(`${where}: link button with custom_id`);
        } else checkCustomId(where, c.custom_id, problems);
      } else if (c.type === 3) {
        if (items.length !== 1) problems.push(`${where}: a select must be alone in its row`);
        checkCustomId(where, c.custom_id, problems);
        checkLength(`${where}.placeholder`, c.placeholder, 150, problems);
        checkSelectOptions(`${where}.options`, arr(c.options), 25, problems);
      } else problems.push(`${where}: unexpected component type ${String(c.type)}`);
      const id = str(c.custom_id);
      if (id !== undefined) {
        if (ids.has(id)) problems.push(`${where}: duplicate custom_id ${id}`);
        ids.add(id);
      }
    });
  });
  if (!isObject(data.allowed_mentions) || arr(data.allowed_mentions.parse).length !== 0) {
    problems.push("allowed_mentions must be {parse: []}");
  }
  return problems;
}

export function checkModal(data: Json, problems: string[] = []): string[] {
  if (!isObject(data)) return [...problems, "modal: not an object"];
  checkLength("title", data.title, 45, problems, 1);
  checkCustomId("modal", data.custom_id, problems);
  const components = arr(data.components);
  if (components.length < 1 || components.length > 5)
    problems.push(`${components.length} components not in 1-5`);
  const ids = new Set<string>();
  components.forEach((top, i) => {
    const where = `components[${i}]`;
    if (!isObject(top)) return;
    if (top.type === 10) {
      checkLength(`${where}.content`, top.content, 4000, problems, 1);
      return;
    }
    if (top.type !== 18) {
      problems.push(
        `${where}: top-level type ${String(top.type)} is neither Label (18) nor Text Display (10)`,
      );
      return;
    }
    checkLength(`${where}.label`, top.label, 45, problems, 1);
    checkLength(`${where}.description`, top.description, 100, problems);
    const c = top.component;
    if (!isObject(c)) {
      problems.push(`${where}: label without component`);
      return;
    }
    checkCustomId(where, c.custom_id, problems);
    const id = str(c.custom_id) ?? "";
    if (ids.has(id)) problems.push(`${where}: duplicate custom_id ${id}`);
    ids.add(id);
    switch (c.type) {
      case 4: {
        const max = typeof c.max_length === "number" ? c.max_length : 4000;
        if (max < 1 || max > 4000) problems.push(`${where}: max_length ${max} not in 1-4000`);
        checkLength(`${where}.placeholder`, c.placeholder, 100, problems);
        checkLength(`${where}.value`, c.value, Math.min(max, 4000), problems);
        if (c.label !== undefined)
          problems.push(`${where}: text input inside a Label must not carry its own label`);
        break;
      }
      case 3:
        checkSelectOptions(`${where}.options`, arr(c.options), 25, problems);
        break;
      case 22: {
        const options = arr(c.options);
        checkSelectOptions(`${where}.options`, options, 10, problems);
        const min = typeof c.min_values === "number" ? c.min_values : 1;
        if (min < 0 || min > 10) problems.push(`${where}: min_values ${min} not in 0-10`);
        break;
      }
      case 21: {
        const n = arr(c.options).length;
        if (n < 2 || n > 10) problems.push(`${where}: radio group with ${n} options not in 2-10`);
        break;
      }
      case 23:
        break;
      default:
        problems.push(`${where}: component type ${String(c.type)} not allowed in a modal label here`);
    }
  });
  return problems;
}

export function checkChoices(data: Json, problems: string[] = []): string[] {
  const choices = isObject(data) ? arr(data.choices) : [];
  if (choices.length > 25) problems.push(`${choices.length} choices > 25`);
  choices.forEach((c, i) => {
    if (!isObject(c)) return;
    checkLength(`choices[${i}].name`, c.name, 100, problems, 1);
    if (typeof c.value === "string") checkLength(`choices[${i}].value`, c.value, 100, problems, 1);
  });
  return problems;
}

export function checkCommands(commands: Json, problems: string[] = []): string[] {
  const list = arr(commands);
  list.forEach((cmd, i) => {
    if (!isObject(cmd)) return;
    const where = `commands[${i}]`;
    const chat = cmd.type === undefined || cmd.type === 1;
    checkLength(`${where}.name`, cmd.name, 32, problems, 1);
    if (chat) {
      if (
        !/^[-_\p{L}\p{N}]{1,32}$/u.test(str(cmd.name) ?? "") ||
        str(cmd.name) !== str(cmd.name)?.toLowerCase()
      ) {
        problems.push(`${where}.name: must be lower-case letters, digits, - or _`);
      }
      checkLength(`${where}.description`, cmd.description, 100, problems, 1);
    } else if (str(cmd.description)) problems.push(`${where}: context-menu commands have no description`);
    const walk = (options: Json[], at: string) => {
      if (options.length > 25) problems.push(`${at}: ${options.length} options > 25`);
      options.forEach((o, j) => {
        if (!isObject(o)) return;
        checkLength(`${at}[${j}].name`, o.name, 32, problems, 1);
        checkLength(`${at}[${j}].description`, o.description, 100, problems, 1);
        walk(arr(o.options), `${at}[${j}].options`);
      });
    };
    walk(arr(cmd.options), `${where}.options`);
  });
  return problems;
}
