// Writes the creative demo's artwork (npm run demo:creative): a small scene drawn as SVG and rendered
// to PNG, in the state named by the first argument (v1, v2, v3), into the folder named by the second.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const [state, dir] = process.argv.slice(2);
const sunX = { v1: 330, v2: 300, v3: 300 }[state];
const door = { v1: '#8b4a2b', v2: '#2b5c8b', v3: '#2b5c8b' }[state];
const extraTree = state !== 'v1';
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320">
  <rect width="480" height="320" fill="#bfe3ff"/>
  <circle cx="${sunX}" cy="70" r="34" fill="#ffd34d"/>
  <rect y="230" width="480" height="90" fill="#6cbf4a"/>
  <rect x="90" y="140" width="150" height="110" fill="#e8d3a8" stroke="#6b5433" stroke-width="3"/>
  <polygon points="80,145 165,80 250,145" fill="#b8423a"/>
  <rect x="150" y="190" width="34" height="60" fill="${door}"/>
  <rect x="105" y="165" width="30" height="26" fill="#9fd4f5" stroke="#6b5433" stroke-width="2"/>
  <rect x="196" y="165" width="30" height="26" fill="#9fd4f5" stroke="#6b5433" stroke-width="2"/>
  <rect x="352" y="170" width="16" height="70" fill="#7a5230"/>
  <circle cx="360" cy="150" r="38" fill="#2f8f3a"/>
  ${extraTree ? '<rect x="422" y="196" width="12" height="48" fill="#7a5230"/><circle cx="428" cy="182" r="26" fill="#3a9f45"/>' : ''}
</svg>`;
mkdirSync(join(dir, 'art'), { recursive: true });
// v3 is v2 re-saved by another program: other bytes, the same pixels.
await sharp(Buffer.from(svg)).png({ compressionLevel: state === 'v3' ? 2 : 9 }).toFile(join(dir, 'art', 'scene.png'));
writeFileSync(join(dir, 'art', '.keep'), '');
