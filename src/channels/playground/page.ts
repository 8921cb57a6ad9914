// Longer than 350 lines: the playground's one page (HTML, CSS and its script) as a template: a development
// tool kept in one file.
import { ESCAPED_CHARACTER } from '../../core/cards/markdown.js';
import { LOCALES, translator, type Locale, type MessageKey } from '../../core/i18n/index.js';
import { formatDate } from '../../core/protocol/answers.js';
import { dayIn } from '../../core/kernel/time.js';

/** Whom the playground lets you be: a member of staff (or the unknown account), by id. */
export interface Persona {
  id: string;
  label: string;
}

const PAGE_KEYS: MessageKey[] = [
  'playground.title',
  'playground.demoNotice',
  'playground.persona',
  'playground.language',
  'playground.placeholder',
  'playground.send',
  'playground.you',
  'playground.bot',
  'playground.error',
  'playground.notification',
  'playground.clock',
  'playground.clockForward',
  'playground.channel',
  'playground.copy',
  'playground.copied',
  'playground.copyFailed',
  'card.send',
];

/**
 * Titles of the texts meant for Magister and the OPP, in either language: in notifications as text, and
 * on cards that do not mark their text to copy (cards/copy-text.json marks it with the id `copy-text`).
 */
const COPY_TITLES: MessageKey[] = ['case.magister.title', 'exception.magister.title', 'exception.opp.title'];

/** The demo clock as the page shows it: the school's day. */
export interface PageClock {
  now: number;
  timeZone: string;
}

/**
 * The playground page. Every visible text comes from the catalogue; data goes in as escaped JSON.
 * Landmarks (header, nav, main, aside) hold all of it; it fits a 375 px wide phone.
 */
export function playgroundPage(locale: Locale, personas: Persona[], clock: PageClock): string {
  const t = translator(locale);
  const texts = Object.fromEntries(PAGE_KEYS.map((k) => [k, t(k)]));
  const all = LOCALES.map(translator);
  const copyTitles = all.flatMap((tr) => COPY_TITLES.map((k) => tr(k)));
  const boot = safeJson({ locale, personas, texts, copyTitles, timeZone: clock.timeZone });
  const today = formatDate(dayIn(clock.timeZone, clock.now), locale);
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t('playground.title'))}</title>
<style>
  *, *::before, *::after { box-sizing: border-box; }
  body { font-family: "Segoe UI", system-ui, sans-serif; margin: 0; background: #f5f5f5; color: #242424; }
  header h1 { margin: 0; font-size: 20px; background: #2f4858; color: #fff; padding: 12px 20px; }
  .notice { margin: 0; background: #fff4ce; border-bottom: 1px solid #e6d38a; padding: 8px 20px; font-size: 14px; }
  .bar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 10px 20px; background: #fff; border-bottom: 1px solid #ddd; }
  .bar label, .bar .clock { display: inline-flex; flex-wrap: wrap; gap: 4px 6px; align-items: center; max-width: 100%; }
  .bar select { max-width: 100%; min-width: 0; }
  .layout { display: flex; gap: 16px; justify-content: center; align-items: flex-start; padding: 0 20px 120px; }
  main { flex: 1 1 560px; max-width: 760px; min-width: 0; }
  #log { padding-top: 8px; }
  #channel { flex: 0 1 440px; min-width: 0; padding-top: 16px; }
  #channel:empty { display: none; }
  #channel h2 { font-size: 15px; margin: 0 0 4px; color: #444; }
  @media (max-width: 900px) { .layout { flex-direction: column; align-items: stretch; } main, #channel { flex: 0 0 auto; width: 100%; max-width: none; } }
  @media (max-width: 480px) { .layout, .bar, .notice, header h1, form { padding-left: 12px; padding-right: 12px; } }
  .msg { margin: 10px 0; }
  .msg .who { font-size: 12px; color: #595959; }
  .msg .text { white-space: pre-wrap; overflow-wrap: anywhere; background: #fff; border-radius: 6px; padding: 8px 12px; display: inline-block; max-width: 100%; }
  .msg.me { text-align: right; }
  .msg.me .text { background: #dbe9f6; }
  .card { background: #fff; border-radius: 6px; padding: 4px; margin-top: 4px; max-width: min(520px, 100%); }
  .welcome { background: #fff; border-radius: 6px; padding: 4px; margin: 8px 0; max-width: min(520px, 100%); }
  .welcome:empty { display: none; }
  .copy { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 4px 8px 8px; }
  .msg .copy { justify-content: flex-start; padding-left: 0; }
  .ac-adaptiveCard .copy { padding: 8px 0 0; }
  .copy [role="status"] { font-size: 13px; color: #107c10; }
  /* The renderer lays buttons out in one row that cuts the last ones off on a phone: let them wrap. */
  .ac-adaptiveCard { max-width: 100%; }
  .ac-actionSet { flex-wrap: wrap !important; gap: 8px 10px; }
  .ac-actionSet > div { display: none; }
  .ac-pushButton { max-width: 100%; }
  .ac-pushButton > div { white-space: normal !important; overflow-wrap: anywhere; }
  .ac-textBlock { overflow-wrap: anywhere; }
  form { position: fixed; bottom: 0; left: 0; right: 0; display: flex; gap: 8px; padding: 12px 20px; background: #fff; border-top: 1px solid #ddd; }
  form input { flex: 1; min-width: 0; font-size: 16px; padding: 8px; }
  .error { color: #a4262c; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(t('playground.title'))}</h1>
  <p class="notice" role="note">${escapeHtml(t('playground.demoNotice'))}</p>
  <nav class="bar" aria-label="${escapeHtml(t('playground.settings'))}">
    <label>${escapeHtml(t('playground.persona'))} <select id="persona"></select></label>
    <label>${escapeHtml(t('playground.language'))}
      <select id="lang"><option value="nl">Nederlands</option><option value="en">English</option></select></label>
    <span class="clock">${escapeHtml(t('playground.clock'))}: <span id="clock" aria-live="polite">${escapeHtml(today)}</span> <button id="forward" type="button">${escapeHtml(t('playground.clockForward'))}</button></span>
  </nav>
</header>
<div class="layout">
<main>
  <section id="welcome" class="welcome" aria-label="${escapeHtml(t('playground.start'))}"></section>
  <section id="waiting" class="welcome" aria-label="${escapeHtml(t('waiting.title'))}"></section>
  <div id="log" role="log" aria-live="polite"></div>
  <form id="composer">
    <input id="text" autocomplete="off" placeholder="${escapeHtml(t('playground.placeholder'))}" aria-label="${escapeHtml(t('playground.placeholder'))}">
    <button type="submit">${escapeHtml(t('playground.send'))}</button>
  </form>
</main>
<aside id="channel" aria-label="${escapeHtml(t('playground.channel'))}"></aside>
</div>
<script src="/playground/adaptivecards.js"></script>
<script>
const boot = ${boot};
const log = document.getElementById('log');
const personaSelect = document.getElementById('persona');
const langSelect = document.getElementById('lang');
langSelect.value = boot.locale;
langSelect.addEventListener('change', () => { location.search = '?lang=' + langSelect.value; });
for (const p of boot.personas) {
  const o = document.createElement('option');
  o.value = p.id; o.textContent = p.label; personaSelect.appendChild(o);
}
const saved = sessionStorage.getItem('zorgpad.persona');
if (saved && boot.personas.some(p => p.id === saved)) personaSelect.value = saved;
personaSelect.addEventListener('change', () => { sessionStorage.setItem('zorgpad.persona', personaSelect.value); log.innerHTML = ''; document.getElementById('channel').innerHTML = ''; welcome(); pollInbox(); });
// A welcome with what this persona can start, on opening and after switching persona.
async function welcome() {
  const holder = document.getElementById('welcome');
  holder.innerHTML = '';
  try {
    const res = await fetch('/playground/api/welcome?personaId=' + encodeURIComponent(personaSelect.value) + '&lang=' + boot.locale);
    const waiting = document.getElementById('waiting');
    waiting.innerHTML = '';
    if (res.ok) {
      const body = await res.json();
      renderInto(holder, body.card);
      if (body.waiting) renderInto(waiting, body.waiting);
    }
  } catch (e) { /* the chat works without it */ }
}

// A message: who says it, and the text (none for a label above a card: no empty bubble). A text meant
// for Magister or the OPP gets a copy button.
function add(who, text, mine) {
  const div = document.createElement('div');
  div.className = 'msg' + (mine ? ' me' : '');
  const w = document.createElement('div'); w.className = 'who'; w.textContent = who;
  div.append(w);
  if (text) { const t = document.createElement('div'); t.className = 'text'; t.textContent = text; div.append(t); }
  if (!mine && text) for (const c of copiesIn(text)) div.append(copyControl(c.text, c.what));
  log.appendChild(div); div.scrollIntoView();
  return div;
}
// The texts to copy in a message: each paragraph that starts with a Magister or OPP title, without it.
function copiesIn(text) {
  const found = [];
  for (const paragraph of text.split('\\n\\n')) {
    const title = boot.copyTitles.find((t) => paragraph.startsWith(t + '\\n'));
    if (title) found.push({ text: paragraph.slice(title.length + 1), what: withoutColon(title) });
  }
  return found;
}
const withoutColon = (title) => title.replace(/:\\s*$/, '');
// A button that puts exactly this text on the clipboard, and says so where a screen reader hears it.
function copyControl(text, what) {
  const row = document.createElement('div'); row.className = 'copy';
  const button = document.createElement('button'); button.type = 'button';
  button.textContent = boot.texts['playground.copy'];
  if (what) button.setAttribute('aria-label', boot.texts['playground.copy'] + ': ' + what);
  const status = document.createElement('span'); status.setAttribute('role', 'status');
  button.addEventListener('click', async () => {
    status.textContent = '';
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = boot.texts['playground.copied'];
    } catch (e) {
      status.textContent = boot.texts['playground.copyFailed'];
    }
  });
  row.append(button, status);
  return row;
}
// The text a card holds to copy, with what it is (the card's title): the text block marked
// \`copy-text\` (cards/copy-text.json, for Magister, the OPP, a letter, a link), or on a card without that
// mark the text under a Magister or OPP title.
function cardCopy(json) {
  const body = (json && Array.isArray(json.body)) ? json.body : [];
  const first = body[0];
  const title = first && first.type === 'TextBlock' ? asTyped(first.text) : '';
  const marked = body.find((b) => b && b.type === 'TextBlock' && b.id === 'copy-text' && b.text);
  if (marked) return { id: 'copy-text', text: asTyped(marked.text), what: withoutColon(title) };
  if (!boot.copyTitles.includes(title) || !body[1] || body[1].type !== 'TextBlock' || !body[1].text) return null;
  return { text: asTyped(body[1].text), what: withoutColon(title) };
}
// What the chat shows for a pressed button: its label; for a question's send button, the answer as
// the card labels it (the option chosen, the date, the text typed).
function echoOf(action, card) {
  const z = action.data && action.data.zorgpad;
  const answers = action.title === boot.texts['card.send'] || (z && z.stepId !== undefined && z.value === undefined);
  if (!answers) return action.title;
  const parts = card.getAllInputs().map((input) => [input.label, labelled(input)]).filter(([, v]) => v);
  if (!parts.length) return action.title;
  if (parts.length === 1) return parts[0][1];
  return parts.map(([label, v]) => (label ? label + ': ' : '') + v).join('\\n');
}
function labelled(input) {
  const value = input.value;
  if (value === undefined || value === null || value === '') return '';
  if (input instanceof AdaptiveCards.ChoiceSetInput) {
    const chosen = input.isMultiSelect ? String(value).split(',') : [String(value)];
    return input.choices.filter((c) => chosen.includes(c.value)).map((c) => c.title).join(', ') || String(value);
  }
  if (input instanceof AdaptiveCards.ToggleInput) return value === (input.valueOn || 'true') ? input.title : '';
  if (input instanceof AdaptiveCards.DateInput) return shownDay(String(value));
  return String(value);
}
// A date as the bot writes it: dd-mm-jjjj (Dutch), dd/mm/yyyy (English).
function shownDay(iso) {
  const [y, m, d] = iso.split('-');
  return boot.locale === 'nl' ? d + '-' + m + '-' + y : d + '/' + m + '/' + y;
}
const schoolDay = new Intl.DateTimeFormat('en-CA', { timeZone: boot.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
// Card texts are markdown in which Zorgpad escaped what people typed (src/core/cards/markdown.ts). This
// renderer has no markdown processor and shows texts as they come: read the escapes first, so that it
// shows what was typed, as plain text.
const escapedCharacter = new RegExp(${safeJson(ESCAPED_CHARACTER.source)}, 'g');
const asTyped = (text) => (typeof text === 'string' ? text.replace(escapedCharacter, '$1') : text);
function plainTexts(node) {
  if (Array.isArray(node)) return node.map(plainTexts);
  if (!node || typeof node !== 'object') return node;
  const copy = {};
  for (const [key, value] of Object.entries(node)) copy[key] = plainTexts(value);
  if (copy.type === 'TextBlock') copy.text = asTyped(copy.text);
  if (copy.type === 'FactSet' && Array.isArray(copy.facts)) copy.facts = copy.facts.map((f) => ({ ...f, title: asTyped(f.title), value: asTyped(f.value) }));
  return copy;
}
function renderInto(holder, json) {
  const card = new AdaptiveCards.AdaptiveCard();
  card.onExecuteAction = (action) => {
    if (action instanceof AdaptiveCards.ExecuteAction || action instanceof AdaptiveCards.SubmitAction) {
      // A card action may answer with the card that takes this one's place (kernteam votes).
      send({ card: action.data }, echoOf(action, card), (replacement) => { holder.innerHTML = ''; renderInto(holder, replacement); });
    } else if (action instanceof AdaptiveCards.OpenUrlAction && ['http:', 'https:'].includes(new URL(action.url || 'about:blank', location.href).protocol)) {
      // A link button (the parents' form, a letter's PDF): opened in a new tab, as Teams and Slack do.
      window.open(action.url, '_blank', 'noopener');
    }
  };
  card.parse(plainTexts(json));
  holder.appendChild(card.render());
  // A text to copy gets its button right under it (or under the card).
  const copy = cardCopy(json);
  if (!copy) return;
  const block = copy.id && card.getElementById(copy.id);
  const after = block && block.renderedElement;
  if (after && after.parentNode) after.parentNode.insertBefore(copyControl(copy.text, copy.what), after.nextSibling);
  else holder.appendChild(copyControl(copy.text, copy.what));
}
// Channel cards by key, so that an update (votes so far, the outcome) takes the card's place.
const placed = {};
// The last question's card, which a typed answer settles.
let lastQuestion = null;
function addCard(json, key, where) {
  const holder = document.createElement('div');
  holder.className = 'card';
  renderInto(holder, json);
  (where || log).appendChild(holder); holder.scrollIntoView();
  if (key) placed[key] = holder;
  return holder;
}
async function send(body, shown, replaceCard) {
  add(boot.texts['playground.you'], shown, true);
  try {
    const res = await fetch('/playground/api/messages', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personaId: personaSelect.value, locale: boot.locale, deliveryId: crypto.randomUUID(), ...body }),
    });
    if (!res.ok) { add(boot.texts['playground.bot'], boot.texts['playground.error']).classList.add('error'); return; }
    const reply = await res.json();
    if (reply.card && replaceCard) replaceCard(reply.card);
    // An answered question settles in place: its answer, no buttons (typed: the last question asked).
    else if (reply.settled && replaceCard) replaceCard(reply.settled);
    else if (reply.settled && lastQuestion && lastQuestion.isConnected) { lastQuestion.innerHTML = ''; renderInto(lastQuestion, reply.settled); }
    // A button on another card left the open question: its card closes too.
    if (reply.closed && lastQuestion && lastQuestion.isConnected) { lastQuestion.innerHTML = ''; renderInto(lastQuestion, reply.closed.card); }
    lastQuestion = null;
    for (const m of reply.messages) {
      if (m.card) { const holder = addCard(m.card); if (m.question) lastQuestion = holder; }
      else add(boot.texts['playground.bot'], m.text);
    }
  } catch (e) {
    add(boot.texts['playground.bot'], boot.texts['playground.error']).classList.add('error');
  }
}
// Notifications for the chosen persona (what Teams or Slack would deliver proactively).
async function pollInbox() {
  try {
    const res = await fetch('/playground/api/inbox?personaId=' + encodeURIComponent(personaSelect.value));
    if (!res.ok) return;
    const inbox = await res.json();
    for (const m of inbox.messages) {
      const target = m.replaces && placed[m.replaces];
      if (m.card && target && target.isConnected) { target.innerHTML = ''; renderInto(target, m.card); continue; }
      // The kernteam channel, for its members: beside the chat, as in Teams or Slack.
      if (m.channel === 'kernteam') {
        const aside = document.getElementById('channel');
        if (!aside.firstChild) { const h = document.createElement('h2'); h.textContent = boot.texts['playground.channel']; aside.appendChild(h); }
        if (m.card) addCard(m.card, m.key, aside); else add(boot.texts['playground.channel'], m.text);
        continue;
      }
      add(boot.texts['playground.notification'], m.card ? '' : m.text).classList.add('notification');
      if (m.card) addCard(m.card, m.key);
    }
  } catch (e) { /* the next poll tries again */ }
}
document.getElementById('forward').addEventListener('click', async () => {
  const res = await fetch('/playground/api/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ days: 7 }) });
  if (res.ok) { document.getElementById('clock').textContent = shownDay(schoolDay.format(new Date((await res.json()).now))); pollInbox(); }
});
setInterval(pollInbox, 2000);
welcome();
pollInbox();
document.getElementById('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('text');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  send({ text }, text);
});
</script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe to place inside a script element. */
function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
