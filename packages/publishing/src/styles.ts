import type { Palette } from './colour.ts';

/** Bar widths as classes rather than style attributes, so a strict CSP with a style hash still works. */
const WIDTHS = Array.from({ length: 101 }, (_, i) => `.w${i}{width:${i}%}`).join('');

const BASE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:1rem;line-height:1.5;color:var(--text);background:var(--bg);overflow-wrap:anywhere}
@media (min-width:40em){body{font-size:1.125rem}}
h1,h2,h3,h4{line-height:1.2;margin:0 0 .5rem;font-weight:700;overflow-wrap:break-word}
p{margin:0 0 1rem}
img{max-width:100%}
a{color:var(--accent);text-decoration-thickness:max(1px,.0625rem);text-underline-offset:.15em}
a:hover{color:var(--accent-dark);text-decoration-thickness:max(3px,.1875rem)}
a:focus-visible,button:focus-visible,summary:focus-visible{outline:3px solid transparent;color:#0b0c0c;background:var(--focus);box-shadow:0 -2px var(--focus),0 4px #0b0c0c;text-decoration:none}
input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid var(--focus);outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}
.vh{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip-path:inset(50%)!important;white-space:nowrap!important;border:0!important}
.skip{position:absolute;left:0;top:0;z-index:10;padding:.75rem 1rem;background:var(--focus);color:#0b0c0c;font-weight:700}
.skip:not(:focus){clip-path:inset(50%);width:1px;height:1px;overflow:hidden;white-space:nowrap;padding:0}
.wrap{max-width:66rem;margin-inline:auto;padding-inline:1rem}
@media (min-width:40em){.wrap{padding-inline:1.5rem}}
main:focus{outline:none}
body:not(.embed){display:flex;flex-direction:column;min-height:100vh}
body:not(.embed)>main{flex:1 0 auto}
.site-header{background:var(--brand);color:var(--on-brand)}
.site-header .wrap{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1.5rem;padding-block:.875rem}
.site-header a{color:var(--on-brand)}
.org{display:inline-flex;align-items:center;gap:.75rem;font-weight:700;font-size:1.125rem;text-decoration:none}
.org:hover{text-decoration:underline}
.org img{height:2.5rem;width:auto;background:#fff;border-radius:.25rem;padding:.125rem}
.lang-switch ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
.hero{background:#fff;border-bottom:1px solid var(--border)}
.hero .wrap{padding-block:2rem 2.25rem}
@media (min-width:40em){.hero .wrap{padding-block:3rem}}
.eyebrow{color:var(--muted);font-weight:700;margin:0 0 .25rem}
h1{font-size:2rem;letter-spacing:-.01em;margin-bottom:1rem}
@media (min-width:40em){h1{font-size:3rem}}
.lede{font-size:1.125rem;max-width:40em;margin-bottom:1.5rem}
@media (min-width:40em){.lede{font-size:1.3125rem}}
.cta{display:flex;flex-wrap:wrap;align-items:center;gap:.75rem 1.25rem;margin:0;padding:0;list-style:none}
.cta--after{margin-top:1.5rem}
.button{display:inline-block;padding:.5rem 1rem .4375rem;border:2px solid transparent;border-radius:.25rem;background:var(--accent);color:#fff;font:inherit;font-weight:700;line-height:1.25;text-decoration:none;box-shadow:0 2px 0 var(--accent-dark);cursor:pointer}
.button:hover{background:var(--accent-dark);color:#fff;text-decoration:none}
.button--secondary{background:#fff;color:var(--accent);border-color:var(--accent);box-shadow:none}
.button--secondary:hover{background:var(--tint);color:var(--accent-dark)}
.content{padding-block:2rem 3rem}
.section-head{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.25rem 1rem;margin-bottom:1rem}
.section-head h2{font-size:1.5rem;margin:0}
.muted{color:var(--muted)}
.small{font-size:.875rem}
.panel{background:#fff;border:1px solid var(--border);border-radius:.5rem;padding:1.25rem;margin-bottom:1.5rem}
.filters{display:grid;gap:1rem;align-items:end}
@media (min-width:40em){.filters{grid-template-columns:1fr 1fr auto auto}}
.filters h2{grid-column:1/-1;font-size:1.125rem;margin:0}
label,legend{display:block;font-weight:700;margin-bottom:.25rem}
select,input[type=email],input[type=text],input[type=tel],textarea{display:block;width:100%;min-height:2.75rem;padding:.375rem .5rem;border:2px solid #0b0c0c;border-radius:0;font:inherit;background:#fff;color:#0b0c0c}
textarea{min-height:8rem;resize:vertical}
.entries{list-style:none;margin:0;padding:0;display:grid;gap:1.5rem}
.entry{background:#fff;border:1px solid var(--border);border-top:.375rem solid var(--brand);border-radius:.5rem;overflow:hidden}
.entry__head{padding:1.25rem 1.25rem .75rem}
@media (min-width:40em){.entry__head{padding:1.5rem 1.75rem .75rem}}
.entry__meta{display:flex;flex-wrap:wrap;gap:.25rem 1rem;color:var(--muted);font-size:.875rem;margin:0 0 .25rem}
.entry__title{font-size:1.5rem;margin:0}
@media (min-width:40em){.entry__title{font-size:1.75rem}}
.entry__title a{color:var(--text);text-decoration:none}
.entry__title a:hover{color:var(--accent);text-decoration:underline}
.entry__body{display:grid}
@media (min-width:50em){.entry__body{grid-template-columns:1fr 1fr}}
.said,.did{padding:1rem 1.25rem 1.25rem}
@media (min-width:40em){.said,.did{padding:1rem 1.75rem 1.5rem}}
.did{background:var(--tint);border-top:1px solid var(--border)}
@media (min-width:50em){.did{border-top:0;border-left:1px solid var(--border)}}
.label{display:flex;align-items:center;gap:.5rem;font-size:.875rem;font-weight:700;letter-spacing:.08em;text-transform:uppercase;color:var(--accent);margin:0 0 .75rem}
.label::before{content:"";flex:none;width:.875rem;height:.875rem;border-radius:50%;border:.1875rem solid var(--accent)}
.did .label::before{background:var(--accent)}
.count{font-size:1.125rem;margin:0 0 .75rem}
.count strong{font-size:2rem;line-height:1;color:var(--accent);font-variant-numeric:tabular-nums}
.change{display:flex;align-items:center;gap:.375rem;color:var(--muted);font-size:.875rem;margin:-.5rem 0 1rem}
.summary{margin:0 0 1rem}
.minor{font-size:.875rem;font-weight:700;margin:1.25rem 0 .5rem;color:var(--text)}
.bars{list-style:none;margin:0;padding:0;display:grid;gap:.375rem;font-size:.875rem}
.bars li{display:grid;grid-template-columns:minmax(6.5rem,35%) 1fr 2.75rem;align-items:center;gap:.5rem}
.track{display:block;height:.625rem;background:var(--bar-track);border-radius:1rem;overflow:hidden}
.fill{display:block;height:100%;background:var(--accent);border-radius:1rem}
.bars .num{text-align:right;font-variant-numeric:tabular-nums}
.stack{display:flex;height:.75rem;border-radius:1rem;overflow:hidden;background:var(--bar-track);margin-bottom:.5rem}
.stack span{display:block;height:100%}
.pos{background:#00703c}.neu{background:#6f777b}.neg{background:#b3261e}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0;font-size:.875rem}
.legend li{display:flex;align-items:center;gap:.375rem}
.swatch{display:inline-block;width:.75rem;height:.75rem;border-radius:.125rem}
.quotes{display:grid;gap:.75rem;margin:0}
.quote,.quote blockquote{margin:0}
.quote{padding:.5rem 0 .5rem 1rem;border-left:.25rem solid var(--soft)}
.quote p{margin:0}
.actions{list-style:none;margin:0;padding:0;display:grid;gap:1rem}
.action+.action{border-top:1px solid var(--border);padding-top:1rem}
.action__top{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;margin-bottom:.5rem;font-size:.875rem}
.action__title{font-size:1.125rem;margin:0 0 .375rem}
.action p{margin:0 0 .75rem}
.action p:last-child{margin-bottom:0}
.badge{display:inline-block;padding:.125rem .5rem;border:1px solid transparent;border-radius:.25rem;font-size:.875rem;font-weight:700;line-height:1.4}
.badge--proposed{background:#e5e6e7;color:#282d30}
.badge--planned{background:#dbd5e9;color:#3d2375}
.badge--in_progress{background:#d2e2f1;color:#0c2d4a}
.badge--done{background:#cce2d8;color:#005a30}
.badge--declined{background:#fcd6c3;color:#6e3619}
.declined{padding:.5rem .75rem;background:#fff;border-left:.25rem solid #6e3619}
.impact{display:flex;flex-wrap:wrap;gap:.75rem;margin:.5rem 0 0}
.impact div{flex:1 1 10rem;background:#fff;border:1px solid var(--border);border-radius:.375rem;padding:.5rem .75rem}
.impact dt{font-size:.875rem;color:var(--muted)}
.impact dd{margin:0;font-size:1.25rem;font-weight:700;font-variant-numeric:tabular-nums}
.impact .before{color:var(--muted);font-weight:400}
.impact .note{display:block;font-size:.875rem;font-weight:400;color:var(--muted)}
.entry__foot{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem;padding:.75rem 1.25rem;border-top:1px solid var(--border);font-size:.875rem;color:var(--muted)}
@media (min-width:40em){.entry__foot{padding-inline:1.75rem}}
.empty{text-align:center;padding:2.5rem 1.25rem}
.empty h2{font-size:1.5rem}
.breadcrumbs{margin:0 0 1rem;font-size:.875rem}
.site-footer{background:#fff;border-top:.25rem solid var(--brand);font-size:.875rem}
.site-footer .wrap{display:flex;flex-wrap:wrap;justify-content:space-between;gap:1rem 2rem;padding-block:1.5rem 2rem}
.site-footer h2{font-size:1rem;margin-bottom:.5rem}
.site-footer ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem}
.site-footer p{margin:0}
.narrow{max-width:40rem}
.field{margin-bottom:1.5rem}
.field--error{border-left:.3125rem solid #b3261e;padding-left:.9375rem}
.hint{display:block;color:var(--muted);margin-bottom:.375rem;font-weight:400}
.error-message{display:block;color:#b3261e;font-weight:700;margin-bottom:.375rem}
.error-summary{border:.3125rem solid #b3261e;padding:1rem 1.25rem;margin-bottom:2rem;background:#fff}
.error-summary h2{font-size:1.25rem}
.error-summary a{color:#b3261e;font-weight:700}
fieldset{border:0;margin:0 0 1.5rem;padding:0;min-width:0}
legend{font-size:1.125rem;padding:0}
.choices{display:grid;gap:.5rem}
.choices--inline{grid-template-columns:repeat(auto-fit,minmax(7rem,1fr))}
.choice{display:flex;align-items:flex-start;gap:.625rem;font-weight:400;margin:0;cursor:pointer}
.choice input{flex:none;width:1.5rem;height:1.5rem;margin:0;accent-color:var(--accent)}
.notice{background:#fff;border:1px solid var(--border);border-left:.375rem solid var(--accent);border-radius:.25rem;padding:1.25rem 1.5rem;margin-bottom:1.5rem}
.hp{position:absolute!important;left:-10000px!important;top:auto;width:1px;height:1px;overflow:hidden}
.embed{background:#fff}
.embed main{padding:.75rem}
.embed .entries{gap:.75rem}
.embed .entry{border-top-width:.25rem}
.embed .entry__head{padding:.75rem 1rem .25rem}
.embed .said,.embed .did{padding:.5rem 1rem .75rem}
.embed .entry__title{font-size:1.125rem}
.embed-foot{display:flex;justify-content:space-between;flex-wrap:wrap;gap:.5rem;padding:.75rem 0;font-size:.875rem}
@media (forced-colors:active){.fill,.stack span,.swatch{forced-color-adjust:none;background:CanvasText}.label::before{border-color:CanvasText}}
@media print{.site-header a,.lang-switch,.cta,.filters,.site-footer ul{display:none}.entry{break-inside:avoid;border-color:#0b0c0c}body{background:#fff}}
`;

export function stylesheet(colours: Palette): string {
  const vars = `:root{--brand:${colours.brand};--on-brand:${colours.onBrand};--accent:${colours.accent};--accent-dark:${colours.accentDark};--tint:${colours.tint};--soft:${colours.soft};--text:#0b0c0c;--muted:#4b5458;--border:#d3d9de;--bg:#f4f6f8;--bar-track:#e3e7ea;--focus:#ffdd00}`;
  return vars + BASE.replace(/\n/g, '') + WIDTHS;
}
