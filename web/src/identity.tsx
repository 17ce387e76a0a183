// Who runs this Guichet, as every page shows it (GET /api/v1/identity,
// read before any session: the login page shows it too). A State service
// shows the "République française" block; a town hall or a benefits fund
// its own name and logo, and its links in the footer.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { client, settle, type Identity } from "./api";

// Until it is read, and if it cannot be: a State service with no links, as
// the server's defaults say.
export const DEFAULT_IDENTITY: Identity = {
  name: "",
  state_service: true,
  accessibility: "partially compliant",
  accessibility_url: "",
  legal_notice_url: "",
  personal_data_url: "",
};

const IdentityContext = createContext<{ identity: Identity; reload: () => void }>({
  identity: DEFAULT_IDENTITY,
  reload: () => {},
});

export function IdentityProvider({ children }: { children: ReactNode }) {
  const [identity, setIdentity] = useState<Identity>(DEFAULT_IDENTITY);
  const reload = useCallback(() => {
    void settle(client.GET("/api/v1/identity")).then((result) => {
      if (result.ok) setIdentity(result.value);
    });
  }, []);
  useEffect(reload, [reload]);
  return <IdentityContext.Provider value={{ identity, reload }}>{children}</IdentityContext.Provider>;
}

export function useIdentity() {
  return useContext(IdentityContext);
}
