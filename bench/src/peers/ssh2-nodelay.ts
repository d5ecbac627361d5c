/** The floor: raw ssh2 on a held connection whose socket has TCP_NODELAY on. */
import { createHeldPeer } from './ssh2-held.js';

export default createHeldPeer(true);
