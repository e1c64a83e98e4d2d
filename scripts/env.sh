# Sourced by the scripts: puts a Go toolchain on PATH. Prefers one already on
# PATH, then /usr/local/go, then Debian backports' Go 1.23; GOTOOLCHAIN=auto
# lets an older go fetch the version go.mod asks for through the module proxy.
for d in /usr/local/go/bin /usr/lib/go-1.23/bin "$HOME/go/bin"; do
  case ":$PATH:" in *":$d:"*) ;; *) [ -d "$d" ] && PATH="$PATH:$d" ;; esac
done
export PATH
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
