/**
 * A link inside the app without react-router's Link per instance (issue 11: page time). Link runs
 * half a dozen router hooks per link (location, path resolution, the click handler); a 台账 page
 * or the 工作台 renders 50–100 of them. LiteLink is a plain `<a href>` whose plain left click
 * navigates in the app through the one `navigate` the shell provides (LiteLinkProvider); a click
 * with a modifier key, another button or a target opens as the browser does. Paths are absolute.
 */
import { createContext, useContext, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';

const Navigate = createContext<((to: string) => void) | null>(null);

/** Gives the LiteLinks below it the router's navigate (once, near the root of the signed-in app). */
export function LiteLinkProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  return <Navigate.Provider value={navigate}>{children}</Navigate.Provider>;
}

export function LiteLink({ to, onClick, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const navigate = useContext(Navigate);
  return (
    <a
      href={to}
      {...rest}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        onClick?.(e);
        if (!navigate || e.defaultPrevented || e.button !== 0 || e.metaKey || e.altKey || e.ctrlKey || e.shiftKey || rest.target) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
