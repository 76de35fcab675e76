// Deterministic synthetic data for benchmarks and scale tests: clients with a primary location and
// contacts that look like a real MSP's directory (shared office lines, the same address under
// several clients, US and UK numbers in the formats people actually typed, a few archived rows).

import {
  buildClientRow,
  buildLocationRow,
  type ClientRow,
  type ContactRow,
  type LocationRow,
} from "./rows.js";
import type { FakeState, GenerateOptions } from "./types.js";

/** mulberry32: tiny, fast and good enough to make the same data for the same seed. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  "James",
  "Mary",
  "Robert",
  "Patricia",
  "John",
  "Jennifer",
  "Michael",
  "Linda",
  "David",
  "Elizabeth",
  "William",
  "Barbara",
  "Richard",
  "Susan",
  "Joseph",
  "Jessica",
  "Thomas",
  "Sarah",
  "Charles",
  "Karen",
  "Priya",
  "Wei",
  "Fatima",
  "Mohammed",
  "Olivia",
  "Noah",
  "Amelia",
  "Oliver",
  "Isla",
  "Harry",
  "Siobhán",
  "José",
  "Zoë",
  "Björn",
  "Chloé",
  "Aoife",
  "Kwame",
  "Yuki",
  "Mateo",
  "Ingrid",
];
const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Taylor",
  "Wilson",
  "Anderson",
  "Thomas",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Thompson",
  "White",
  "O'Brien",
  "O'Connor",
  "Müller",
  "Nguyen",
  "Patel",
  "Kowalski",
  "Hughes",
  "Evans",
  "Walsh",
  "Murphy",
  "Van der Berg",
  "Smith-Jones",
  "Okafor",
  "Tanaka",
  "Rossi",
  "Dubois",
  "Schmidt",
  "Khan",
  "Silva",
  "Cohen",
];
const COMPANY_WORDS = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Stark",
  "Wayne",
  "Wonka",
  "Hooli",
  "Vandelay",
  "Cyberdyne",
  "Soylent",
  "Tyrell",
  "Massive",
  "Dynamic",
  "Pioneer",
  "Summit",
  "Harbor",
  "Cedar",
  "Maple",
  "Granite",
  "Northwind",
  "Contoso",
  "Fabrikam",
  "Litware",
  "Proseware",
  "Adventure",
  "Blue Yonder",
  "Coho",
  "Tailspin",
  "Woodgrove",
];
const COMPANY_KINDS = [
  "Dental",
  "Logistics",
  "Legal",
  "Accounting",
  "Engineering",
  "Bakery",
  "Clinic",
  "Realty",
  "Motors",
  "Studios",
  "Foods",
  "Consulting",
  "Plumbing",
  "Architects",
  "Pharmacy",
  "Insurance",
  "Academy",
  "Brewing",
  "Hotels",
  "Labs",
];
const COMPANY_SUFFIXES = ["Ltd", "Inc", "LLC", "& Partners", "Group", "Co", "PLC", "GmbH"];
const TITLES = [
  "Owner",
  "Office Manager",
  "CEO",
  "CFO",
  "IT Manager",
  "Receptionist",
  "Accountant",
  "Director",
  "Engineer",
  "Nurse",
];
const DEPARTMENTS = ["Finance", "Operations", "IT", "Sales", "Front Desk", "HR", "R&D"];
const UK_CITIES = ["London", "Manchester", "Leeds", "Bristol", "Glasgow"];
const US_CITIES: readonly [string, string][] = [
  ["Springfield", "IL"],
  ["Austin", "TX"],
  ["Denver", "CO"],
  ["Portland", "OR"],
  ["Raleigh", "NC"],
];
/** Addresses that really are shared between clients: an outsourced bookkeeper, a helpdesk. */
const SHARED_EMAILS = [
  "accounts@bookkeeping.example",
  "helpdesk@msp.example",
  "pat.jones@consultants.example",
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function digits(random: () => number, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += Math.floor(random() * 10);
  return out;
}

/** A stored number and the country-code column the web UI would have set alongside it. */
interface StoredPhone {
  number: string;
  countryCode: string | null;
}

/** The formats ITFlow ends up holding, depending on how the number was typed. */
function phoneNumber(random: () => number, uk: boolean, mobile: boolean): StoredPhone {
  const roll = random();
  if (uk) {
    const national = mobile ? `7${digits(random, 9)}` : `20${digits(random, 8)}`;
    if (roll < 0.5) return { number: national, countryCode: "44" }; // without the trunk 0
    if (roll < 0.85) return { number: `0${national}`, countryCode: "44" }; // with it
    return { number: `44${national}`, countryCode: null }; // "+44 ..." typed into the number field
  }
  const national = `${2 + Math.floor(random() * 8)}${digits(random, 9)}`;
  if (roll < 0.75) return { number: national, countryCode: "1" }; // 10-digit US
  return { number: `1${national}`, countryCode: roll < 0.9 ? null : "1" }; // with the leading 1
}

const slugCache = new Map<string, string>();

/** "Siobhán O'Brien" => "siobhanobrien"; memoised because the same few names recur 50,000 times. */
function asciiSlug(text: string): string {
  let slug = slugCache.get(text);
  if (slug === undefined) {
    slug = text
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "");
    slugCache.set(text, slug);
  }
  return slug;
}

function timestamp(random: () => number, year: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  return `${year}-${pad(month)}-${pad(day)} ${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}:${pad(Math.floor(random() * 60))}`;
}

function nextId(current: number, rows: readonly { id: string | null }[]): number {
  let max = 0;
  for (const row of rows) max = Math.max(max, Number(row.id) || 0);
  return Math.max(current, max + 1);
}

interface GeneratedClient {
  id: number;
  locationId: number;
  domain: string;
  uk: boolean;
  officeLine: StoredPhone;
  hasPrimary: boolean;
}

function generateClients(state: FakeState, count: number, random: () => number): GeneratedClient[] {
  let clientId = nextId(
    state.autoIncrement.clients,
    state.clients.map((row) => ({ id: row.client_id })),
  );
  let locationId = nextId(
    state.autoIncrement.locations,
    state.locations.map((row) => ({ id: row.location_id })),
  );
  const usedNames = new Set(state.clients.map((row) => (row.client_name ?? "").toLowerCase()));
  const generated: GeneratedClient[] = [];
  const clients: ClientRow[] = [];
  const locations: LocationRow[] = [];

  for (let i = 0; i < count; i++) {
    let name = `${pick(random, COMPANY_WORDS)} ${pick(random, COMPANY_KINDS)} ${pick(random, COMPANY_SUFFIXES)}`;
    for (let n = 2; usedNames.has(name.toLowerCase()); n++) name = `${name.replace(/ \d+$/, "")} ${n}`;
    usedNames.add(name.toLowerCase());
    const uk = random() < 0.3;
    const created = timestamp(random, 2024);
    const officeLine = phoneNumber(random, uk, false);
    clients.push(
      buildClientRow({
        client_id: String(clientId),
        client_name: name,
        client_type: random() < 0.7 ? "Managed" : "Break-fix",
        client_currency_code: uk ? "GBP" : "USD",
        client_created_at: created,
        client_archived_at: random() < 0.02 ? timestamp(random, 2025) : null,
      }),
    );
    const [usCity, usState] = pick(random, US_CITIES);
    locations.push(
      buildLocationRow({
        location_id: String(locationId),
        location_name: `${name.split(" ")[0]} ${uk ? pick(random, UK_CITIES) : usCity}`,
        location_country: uk ? "United Kingdom" : "United States",
        location_city: uk ? pick(random, UK_CITIES) : usCity,
        location_state: uk ? null : usState,
        location_phone_country_code: officeLine.countryCode,
        location_phone: officeLine.number,
        location_primary: "1",
        location_created_at: created,
        location_client_id: String(clientId),
      }),
    );
    generated.push({
      id: clientId,
      locationId,
      domain: `${asciiSlug(name.split(" ").slice(0, 2).join(""))}${clientId}.example`,
      uk,
      officeLine,
      hasPrimary: false,
    });
    clientId++;
    locationId++;
  }
  // A loop, not push(...rows): spreading tens of thousands of arguments can overflow the stack.
  for (const row of clients) state.clients.push(row);
  for (const row of locations) state.locations.push(row);
  state.autoIncrement.clients = clientId;
  state.autoIncrement.locations = locationId;
  return generated;
}

/** Contacts go to the generated clients, or to the existing ones when no clients are generated. */
function existingClientsAsTargets(state: FakeState): GeneratedClient[] {
  return state.clients.map((row) => ({
    id: Number(row.client_id),
    locationId: 0,
    domain: `${asciiSlug(row.client_name ?? "client")}.example`,
    uk: row.client_currency_code === "GBP",
    officeLine: { number: "5550000000", countryCode: "1" },
    hasPrimary: true,
  }));
}

function generateContacts(
  state: FakeState,
  count: number,
  targets: GeneratedClient[],
  random: () => number,
): void {
  let contactId = nextId(
    state.autoIncrement.contacts,
    state.contacts.map((row) => ({ id: row.contact_id })),
  );
  const usedEmails = new Set(
    state.contacts.map((row) => `${row.contact_client_id}|${(row.contact_email ?? "").toLowerCase()}`),
  );
  const rows: ContactRow[] = [];

  for (let i = 0; i < count; i++) {
    // Every client gets one contact first, then the rest spread unevenly (a few big clients).
    const client =
      targets.length === 0
        ? undefined
        : i < targets.length
          ? targets[i]
          : targets[Math.floor(random() * random() * targets.length)];
    const clientId = client?.id ?? 0;
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    let email =
      random() < 0.01
        ? pick(random, SHARED_EMAILS)
        : `${asciiSlug(first)}.${asciiSlug(last)}@${client?.domain ?? "example.com"}`;
    for (let n = 2; usedEmails.has(`${clientId}|${email}`); n++)
      email = email.replace(/^([^@]*?)\d*@/, `$1${n}@`);
    usedEmails.add(`${clientId}|${email}`);

    const uk = client?.uk ?? false;
    const sharesOfficeLine = client !== undefined && random() < 0.2;
    const phone = sharesOfficeLine
      ? client.officeLine
      : random() < 0.7
        ? phoneNumber(random, uk, false)
        : undefined;
    const mobile = random() < 0.6 ? phoneNumber(random, uk, true) : undefined;
    const archived = random() < 0.02;
    const primary = client !== undefined && !client.hasPrimary;
    if (client && primary) client.hasPrimary = true;

    // A literal in table order rather than buildContactRow: this runs 50,000 times per benchmark.
    rows.push({
      contact_id: String(contactId++),
      contact_name: `${first} ${last}`,
      contact_title: random() < 0.6 ? pick(random, TITLES) : random() < 0.5 ? "" : null,
      contact_email: email,
      contact_phone_country_code: phone?.countryCode ?? null,
      contact_phone: phone?.number ?? (random() < 0.5 ? "" : null),
      contact_extension: phone && random() < 0.2 ? String(100 + Math.floor(random() * 900)) : null,
      contact_mobile_country_code: mobile?.countryCode ?? null,
      contact_mobile: mobile?.number ?? (random() < 0.5 ? "" : null),
      contact_photo: null,
      contact_pin: random() < 0.1 ? digits(random, 6) : null,
      contact_notes: random() < 0.05 ? "Prefers email." : null,
      contact_primary: primary ? "1" : "0",
      contact_important: !archived && random() < 0.1 ? "1" : "0",
      contact_billing: !archived && random() < 0.1 ? "1" : "0",
      contact_technical: !archived && random() < 0.15 ? "1" : "0",
      contact_created_at: timestamp(random, 2025),
      contact_updated_at: null,
      contact_archived_at: archived ? timestamp(random, 2026) : null,
      contact_accessed_at: null,
      contact_location_id: String(client?.locationId ?? 0),
      contact_vendor_id: "0",
      contact_user_id: "0",
      contact_department: random() < 0.3 ? pick(random, DEPARTMENTS) : null,
      contact_client_id: String(clientId),
    });
  }
  for (const row of rows) state.contacts.push(row);
  state.autoIncrement.contacts = contactId;
}

/** Adds `clients` clients (one location each) and `contacts` contacts; same seed, same rows. */
export function generateSyntheticData(state: FakeState, options: GenerateOptions): void {
  const random = createRandom(options.seed ?? 1);
  const newClients = generateClients(state, Math.max(0, Math.floor(options.clients)), random);
  const targets = newClients.length > 0 ? newClients : existingClientsAsTargets(state);
  generateContacts(state, Math.max(0, Math.floor(options.contacts)), targets, random);
}
