/**
 * The closeloop feedback widget. A site embeds
 *   <script src="https://HOST/widget.js" data-site-key="pk_…" data-lang="cy" async></script>
 * and gets a "Feedback" button opening an accessible dialog. Everything lives in a Shadow DOM so the
 * host page's styles cannot reach in (nor ours out), and nothing here may throw into the host page.
 * Built by esbuild (packages/widget/build.mjs) into one minified IIFE: no dependencies.
 */

type Lang = 'en' | 'cy';

const MAX_TEXT = 2000;

const STRINGS = {
  en: {
    open: 'Feedback',
    title: 'Tell us what you think',
    close: 'Close',
    rating: 'How would you rate it? (optional)',
    ratings: ['Very poor', 'Poor', 'OK', 'Good', 'Very good'],
    text: 'Your feedback',
    hint: 'Please do not include personal details such as your address or phone number here.',
    left: '{n} characters left',
    email: 'Email address (optional)',
    contact: 'You may contact me about my feedback',
    outcome: 'Tell me the outcome: what changes because of feedback like mine',
    privacy: 'We keep your email only to reply to you. We never publish it.',
    hp: 'Leave this field empty',
    send: 'Send feedback',
    sending: 'Sending…',
    thanks: 'Thank you for your feedback',
    thanksBody: 'We read every comment and publish what we change because of it.',
    errText: 'Enter your feedback',
    errEmail: 'Enter an email address in the correct format, like name@example.com',
    errNeedEmail: 'Enter your email address so that we can contact you',
    errRate: 'Too many attempts. Please wait a few minutes and try again.',
    errSend: 'Sorry, your feedback could not be sent. Please try again.',
  },
  cy: {
    open: 'Adborth',
    title: 'Dywedwch eich barn wrthym',
    close: 'Cau',
    rating: 'Sut fyddech chi’n ei raddio? (dewisol)',
    ratings: ['Gwael iawn', 'Gwael', 'Iawn', 'Da', 'Da iawn'],
    text: 'Eich adborth',
    hint: 'Peidiwch â chynnwys manylion personol fel eich cyfeiriad na’ch rhif ffôn yma.',
    left: '{n} nod ar ôl',
    email: 'Cyfeiriad e-bost (dewisol)',
    contact: 'Cewch gysylltu â mi am fy adborth',
    outcome: 'Rhowch wybod i mi beth fydd y canlyniad: beth sy’n newid oherwydd adborth fel fy un i',
    privacy: 'Rydym yn cadw eich e-bost dim ond er mwyn ymateb i chi. Ni fyddwn byth yn ei gyhoeddi.',
    hp: 'Gadewch y maes hwn yn wag',
    send: 'Anfon adborth',
    sending: 'Wrthi’n anfon…',
    thanks: 'Diolch am eich adborth',
    thanksBody: 'Rydym yn darllen pob sylw ac yn cyhoeddi beth rydym yn ei newid o’i herwydd.',
    errText: 'Rhowch eich adborth',
    errEmail: 'Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com',
    errNeedEmail: 'Rhowch eich cyfeiriad e-bost er mwyn i ni allu cysylltu â chi',
    errRate: 'Gormod o ymdrechion. Arhoswch ychydig funudau a rhowch gynnig arall arni.',
    errSend: 'Mae’n ddrwg gennym, ni fu modd anfon eich adborth. Rhowch gynnig arall arni.',
  },
};

const CSS = `:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.fab{position:fixed;bottom:16px;right:16px;z-index:2147483000;background:var(--c);color:#fff;border:2px solid transparent;border-radius:24px;padding:10px 18px;font-size:16px;font-weight:600;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}
.fab:hover{filter:brightness(1.1)}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #fd0;outline-offset:2px;box-shadow:0 0 0 5px #0b0c0c}
dialog{border:0;border-radius:8px;padding:0;width:min(440px,calc(100vw - 24px));max-height:calc(100vh - 24px);overflow:auto;color:#0b0c0c;background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.35)}
dialog::backdrop{background:rgba(0,0,0,.45)}
form,.done{padding:20px;display:grid;gap:14px;font-size:16px;line-height:1.4}
h2{margin:0;font-size:20px;padding-right:40px}
.x{position:absolute;top:10px;right:10px;width:36px;height:36px;border:0;background:none;font-size:24px;line-height:1;cursor:pointer;color:#0b0c0c;border-radius:4px}
fieldset{border:0;margin:0;padding:0}
legend,label.l{font-weight:600;display:block;margin-bottom:6px}
.r{display:flex;gap:6px;flex-wrap:wrap}
.r label{flex:1 1 60px;position:relative}
.r input{position:absolute;opacity:0;inset:0;margin:0}
.r span{display:block;text-align:center;border:2px solid #505a5f;border-radius:6px;padding:6px 2px;font-size:13px;cursor:pointer}
.r b{display:block;font-size:18px}
.r input:checked+span{background:var(--c);border-color:var(--c);color:#fff}
.r input:focus-visible+span{outline:3px solid #fd0;outline-offset:2px}
textarea,input[type=email]{width:100%;font-size:16px;padding:8px;border:2px solid #0b0c0c;border-radius:4px;background:#fff;color:#0b0c0c}
textarea{min-height:110px;resize:vertical}
.h,.n{font-size:14px;color:#505a5f;margin:0}
.c{display:flex;gap:8px;align-items:flex-start;font-size:15px}
.c input{width:20px;height:20px;margin:2px 0 0;flex:none}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.e{color:#b10e1e;font-weight:600;margin:0}
.e:empty{display:none}
[aria-invalid=true]{border-color:#b10e1e}
.s{background:var(--c);color:#fff;border:2px solid transparent;border-radius:4px;padding:10px 16px;font-size:16px;font-weight:600;cursor:pointer;justify-self:start}
.s[disabled]{opacity:.6;cursor:progress}
@media (prefers-reduced-motion:no-preference){dialog[open]{animation:f .18s ease-out}@keyframes f{from{opacity:0;transform:translateY(12px)}}}
@media (max-width:480px){.fab{bottom:8px;right:8px}dialog{width:100vw;max-width:100vw;max-height:100vh;margin:auto 0 0;border-radius:8px 8px 0 0}}
@media (forced-colors:active){.fab,.s,.r input:checked+span{forced-color-adjust:none;background:Highlight;color:HighlightText;border-color:ButtonText}.r span,textarea,input[type=email]{border-color:ButtonText}dialog{border:2px solid CanvasText}}`;

function chooseLang(script: HTMLScriptElement | null): Lang {
  const wanted = (script?.dataset.lang || document.documentElement.lang || 'en').toLowerCase();
  return wanted.startsWith('cy') ? 'cy' : 'en';
}

/** Captured while the script first runs: `document.currentScript` is null in later callbacks. */
let current: Element | null = null;
try {
  current = document.currentScript;
} catch {
  // No DOM: start() below finds nothing and does nothing.
}

function findScript(): HTMLScriptElement | null {
  if (current instanceof HTMLScriptElement && current.dataset.siteKey) return current;
  return document.querySelector<HTMLScriptElement>('script[data-site-key][src*="widget"]');
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function mount(script: HTMLScriptElement): void {
  const siteKey = script.dataset.siteKey ?? '';
  const endpoint = `${new URL(script.src, location.href).origin}/v1/widget/feedback`;
  const lang = chooseLang(script);
  const s = STRINGS[lang];
  const colour = /^#[0-9a-f]{3,8}$/i.test(script.dataset.colour ?? '') ? (script.dataset.colour as string) : '#1d5e8c';

  const host = el('div', { 'data-closeloop-widget': '' });
  const root = host.attachShadow({ mode: 'open' });
  const style = el('style', {}, CSS.replace(/var\(--c\)/g, colour));
  const opener = el(
    'button',
    { type: 'button', class: 'fab', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', lang },
    s.open,
  );
  const dialog = el('dialog', { 'aria-labelledby': 'cl-t', 'aria-modal': 'true', lang });
  root.append(style, opener, dialog);

  const field = (name: string, attrs: Record<string, string>, label: string, tagName: 'input' | 'textarea') => {
    const control = el(tagName, { id: `cl-${name}`, name, ...attrs });
    return { control, label: el('label', { for: `cl-${name}`, class: 'l' }, label) };
  };

  let form: HTMLFormElement;
  let status: HTMLParagraphElement;
  let text: HTMLTextAreaElement;
  let email: HTMLInputElement;
  let send: HTMLButtonElement;

  function buildForm(): void {
    const ratings = el(
      'fieldset',
      {},
      el('legend', {}, s.rating),
      el(
        'div',
        { class: 'r' },
        ...s.ratings.map((word, i) =>
          el(
            'label',
            {},
            el('input', { type: 'radio', name: 'rating', value: String(i + 1), 'aria-label': `${i + 1} – ${word}` }),
            el('span', { 'aria-hidden': 'true' }, el('b', {}, String(i + 1)), word),
          ),
        ),
      ),
    );
    const t = field(
      'text',
      { maxlength: String(MAX_TEXT), rows: '5', required: '', 'aria-describedby': 'cl-hint cl-left cl-text-e' },
      s.text,
      'textarea',
    );
    text = t.control as HTMLTextAreaElement;
    const left = el('p', { id: 'cl-left', class: 'n' });
    const updateLeft = () => {
      left.textContent = s.left.replace('{n}', String(MAX_TEXT - text.value.length));
    };
    updateLeft();
    text.addEventListener('input', updateLeft);
    const e = field(
      'email',
      { type: 'email', autocomplete: 'email', spellcheck: 'false', 'aria-describedby': 'cl-privacy cl-email-e' },
      s.email,
      'input',
    );
    email = e.control as HTMLInputElement;
    const check = (name: string, label: string) =>
      el('label', { class: 'c' }, el('input', { type: 'checkbox', name }), el('span', {}, label));
    status = el('p', { class: 'e', role: 'alert', id: 'cl-status' });
    send = el('button', { type: 'submit', class: 's' }, s.send);
    form = el(
      'form',
      { novalidate: '' },
      el('h2', { id: 'cl-t' }, s.title),
      el('button', { type: 'button', class: 'x', 'aria-label': s.close, 'data-close': '' }, '×'),
      ratings,
      el(
        'div',
        {},
        t.label,
        el('p', { class: 'h', id: 'cl-hint' }, s.hint),
        el('p', { class: 'e', id: 'cl-text-e' }),
        text,
        left,
      ),
      el('div', {}, e.label, el('p', { class: 'e', id: 'cl-email-e' }), email),
      check('consentContact', s.contact),
      check('consentOutcome', s.outcome),
      el('p', { class: 'h', id: 'cl-privacy' }, s.privacy),
      el(
        'div',
        { class: 'hp', 'aria-hidden': 'true' },
        el('label', { for: 'cl-website' }, s.hp),
        el('input', { id: 'cl-website', name: 'website', tabindex: '-1', autocomplete: 'off' }),
      ),
      status,
      send,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit().catch(() => showStatus(s.errSend));
    });
    dialog.replaceChildren(form);
  }

  function fieldError(control: HTMLInputElement | HTMLTextAreaElement, message: string): void {
    const slot = root.getElementById(`${control.id}-e`);
    if (slot) slot.textContent = message;
    if (message) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }

  function showStatus(message: string): void {
    status.textContent = message;
    send.disabled = false;
    send.textContent = s.send;
  }

  async function submit(): Promise<void> {
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const body = {
      siteKey,
      text: value('text'),
      rating: data.get('rating') ? Number(data.get('rating')) : undefined,
      pageUrl: location.origin + location.pathname,
      language: lang,
      contact: value('email') ? { email: value('email') } : undefined,
      consentContact: data.get('consentContact') !== null,
      consentOutcome: data.get('consentOutcome') !== null,
      website: String(data.get('website') ?? ''),
    };
    const wantsReply = body.consentContact || body.consentOutcome;
    const textError = body.text ? '' : s.errText;
    const emailError =
      body.contact && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.contact.email)
        ? s.errEmail
        : wantsReply && !body.contact
          ? s.errNeedEmail
          : '';
    fieldError(text, textError);
    fieldError(email, emailError);
    status.textContent = '';
    if (textError || emailError) {
      (textError ? text : email).focus();
      return;
    }
    send.disabled = true;
    send.textContent = s.sending;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      showStatus(s.errSend);
      return;
    }
    if (response.status === 202) {
      showThanks();
      return;
    }
    showStatus(response.status === 429 ? s.errRate : s.errSend);
  }

  function showThanks(): void {
    const heading = el('h2', { id: 'cl-t', tabindex: '-1' }, s.thanks);
    dialog.replaceChildren(
      el(
        'div',
        { class: 'done', role: 'status' },
        heading,
        el('button', { type: 'button', class: 'x', 'aria-label': s.close, 'data-close': '' }, '×'),
        el('p', {}, s.thanksBody),
        el('button', { type: 'button', class: 's', 'data-close': '' }, s.close),
      ),
    );
    heading.focus();
  }

  function focusables(): HTMLElement[] {
    return [...dialog.querySelectorAll<HTMLElement>('button,input,textarea')].filter(
      (node) => node.tabIndex >= 0 && !(node as HTMLButtonElement).disabled && !node.closest('.hp'),
    );
  }

  function open(): void {
    if (dialog.open) return;
    if (!dialog.querySelector('form')) buildForm();
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    opener.setAttribute('aria-expanded', 'true');
    (dialog.querySelector<HTMLElement>('input[name=rating]') ?? text).focus();
  }

  function close(): void {
    // Set at once: the dialog's 'close' event comes a task later than the dialog disappears.
    opener.setAttribute('aria-expanded', 'false');
    if (typeof dialog.close === 'function' && dialog.open) dialog.close();
    else dialog.removeAttribute('open');
  }

  // Esc: 'cancel' fires before the browser hides the dialog (and before 'close').
  dialog.addEventListener('cancel', () => opener.setAttribute('aria-expanded', 'false'));
  dialog.addEventListener('close', () => {
    opener.setAttribute('aria-expanded', 'false');
    // After a successful send the next opening starts with an empty form.
    if (!dialog.querySelector('form')) dialog.replaceChildren();
    opener.focus();
  });
  opener.addEventListener('click', open);
  dialog.addEventListener('click', (event) => {
    const target = event.target as HTMLElement;
    if (target === dialog || target.closest('[data-close]')) close();
  });
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
      return;
    }
    if (event.key !== 'Tab') return;
    // Focus trap: Tab from the last control wraps to the first, Shift+Tab from the first to the last.
    const items = focusables();
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    const active = root.activeElement;
    if (event.shiftKey && (active === first || !dialog.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  });

  document.body.append(host);
}

function start(): void {
  try {
    const script = findScript();
    if (!script || !document.body || (script as HTMLScriptElement & { _cl?: 1 })._cl) return;
    (script as HTMLScriptElement & { _cl?: 1 })._cl = 1;
    mount(script);
  } catch (error) {
    // Never throw into the host page: report quietly and leave the page as it was.
    console.warn('closeloop widget:', error);
  }
}

try {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
} catch {
  // Ignore: a page without a DOM (or a hostile one) gets no widget rather than an error.
}
