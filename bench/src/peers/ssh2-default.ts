/** Raw ssh2 on a held connection with ssh2's default socket (Nagle's algorithm on). */
import { createHeldPeer } from './ssh2-held.js';

export default createHeldPeer(false);
