import { createContext, useContext } from 'react';

/**
 * The Content-Security-Policy nonce of the page being rendered on the server. In the browser it is
 * empty: the scripts that needed it have run, and browsers hide it from the DOM anyway.
 */
const NonceContext = createContext('');

export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
