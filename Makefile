# genv -- Geneve overlay toolkit.  See README.md.
#   make            build ./genv
#   make SAN=1      ASan + UBSan build in build-san/ (./genv untouched unless SAN_LINK=1)
#   make check      install missing packages, build, run all tests
#   make demo       install missing packages, build, run the namespace demo
#   make fuzz       build and run every libFuzzer target (clang); FUZZ_SECONDS=N each
#   make install    PREFIX=/usr/local DESTDIR=

CC       ?= gcc
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
PKG_CONFIG ?= pkg-config

PKGS     := libpcap libmnl libbpf libxdp libedit ncursesw jansson yaml-0.1 libcurl
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARN) -D_GNU_SOURCE
LDLIBS   += $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -lpcap -lmnl -lbpf -lxdp -ledit -lncursesw -ltinfo -ljansson -lyaml -lcurl)
PKGCFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)

ifeq ($(SAN),1)
O        := build-san
CFLAGS   += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
else
O        := build
endif

CORE_SRC := $(sort $(wildcard libcore/*.c))
CMD_SRC  := $(sort $(wildcard cmd/*.c cmd/*/*.c))
RT_SRC   := $(sort $(filter-out %.bpf.c,$(wildcard router/*.c)))
TR_SRC   := $(sort $(wildcard trace/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(O)/%.o)
RT_OBJ   := $(RT_SRC:%.c=$(O)/%.o) $(O)/router/xdp_steer_obj.o
TR_OBJ   := $(TR_SRC:%.c=$(O)/%.o)
# One archive per layer, linked top-down (cmd, trace, router, libcore): a
# call upward has no definition after it on the link line and fails to
# link, so the linker enforces the layering (tests/layers.py checks it too).
LAYER_LIBS := $(O)/libtrace.a $(O)/librouter.a $(O)/libcore.a
CMD_OBJ  := $(CMD_SRC:%.c=$(O)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJ := $(UNIT_SRC:%.c=$(O)/%.o)

# Debian packages: build, tests, demo.  `make deps` installs only what is missing.
DEB_PKGS := gcc make pkg-config clang llvm libclang-rt-14-dev \
            libpcap-dev libmnl-dev libxdp-dev libbpf-dev libedit-dev libncurses-dev libjansson-dev libyaml-dev check \
            libcurl4-openssl-dev etcd-server etcd-client \
            tshark tcpdump python3-scapy mandoc groff-base bash-completion \
            iproute2 iputils-ping ethtool iperf3 netsniff-ng tmux zsh fish bpftool \
            nftables cppcheck clang-tidy

all: genv

# ./genv is a symlink to build/genv.  The sanitizer build stays in
# build-san/genv and leaves ./genv alone, unless asked with SAN_LINK=1
# (./genv then points at build-san/genv; a plain `make` points it back).
ifeq ($(SAN)$(SAN_LINK),1)
genv: $(O)/genv
	@echo "make: sanitizer build in $(O)/genv (./genv untouched; SAN_LINK=1 points it there)"
else
genv: $(O)/genv
	@rm -f genv; ln -s $(O)/genv genv
endif

$(O)/genv: $(CMD_OBJ) $(LAYER_LIBS)
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LAYER_LIBS) $(LDLIBS)

$(O)/libtrace.a: $(TR_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/librouter.a: $(RT_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/libcore.a: $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# The XDP steering program: compiled for BPF, then carried in the binary as
# a byte array (router/port_xdp.c opens it from memory), so there is no
# file to install.
BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror -I/usr/include/$(shell $(CC) -dumpmachine 2>/dev/null)
$(O)/router/xdp_steer.bpf.o: router/xdp_steer.bpf.c router/xdp_steer.h
	@mkdir -p $(dir $@)
	clang $(BPF_CFLAGS) -c -o $@ $<

$(O)/router/xdp_steer_obj.c: $(O)/router/xdp_steer.bpf.o
	{ echo '/* generated from router/xdp_steer.bpf.c by the Makefile */'; \
	  echo '#include <stddef.h>'; \
	  echo 'extern const unsigned char rt_xdp_steer_obj[];'; \
	  echo 'extern const size_t rt_xdp_steer_obj_size;'; \
	  echo 'const unsigned char rt_xdp_steer_obj[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '};'; \
	  echo 'const size_t rt_xdp_steer_obj_size = sizeof(rt_xdp_steer_obj);'; } > $@.tmp && mv $@.tmp $@

$(O)/router/xdp_steer_obj.o: $(O)/router/xdp_steer_obj.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKGCFLAGS) -MMD -MP -c -o $@ $<

-include $(CORE_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(RT_OBJ:.o=.d) $(TR_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)

# Unit tests: one Check runner for all libcore modules (fork mode on).
$(O)/unit-tests: $(UNIT_OBJ) $(LAYER_LIBS)
	$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(LAYER_LIBS) $(LDLIBS) \
		$(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root to install:$$missing" >&2; exit 1; fi; \
		export DEBIAN_FRONTEND=noninteractive; \
		echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections; \
		apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || \
			{ echo "make deps: apt-get install failed" >&2; exit 1; }; \
	fi

check: deps
	$(MAKE) genv $(O)/unit-tests
	GENV=$(CURDIR)/$(O)/genv O=$(O) tests/run.sh

# tests/cli/static.sh compiles with these (clang -fsyntax-only, clang-tidy).
static-flags:
	@echo $(CFLAGS) $(PKGCFLAGS) $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)

# tests/cli/static.sh with every file clang-tidy analyses, no time budget
# (make check runs it with a budget: the oldest-checked files first), and
# not under tests/run.sh's 600 s per script: a cold run takes longer.
static:
	STATIC_TIDY_SECONDS=0 O=$(O) tests/cli/static.sh

demo: deps genv
	GENV=$(CURDIR)/$(O)/genv ./tests/demo.sh

# FUZZ_SECONDS=N: every target runs N seconds (default: the Makefile's own).
fuzz:
	$(MAKE) -f tests/fuzz/Makefile run $(if $(FUZZ_SECONDS),FUZZ_TIME=$(FUZZ_SECONDS) \
		FUZZ_PIPE_TIME=$(FUZZ_SECONDS) FUZZ_PCAP_TIME=$(FUZZ_SECONDS) FUZZ_CONF_TIME=$(FUZZ_SECONDS))

install: genv
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(O)/genv $(DESTDIR)$(BINDIR)/genv
	for c in $$($(O)/genv __complete ''); do \
		ln -sf genv $(DESTDIR)$(BINDIR)/genv-$$c; \
		ln -sf genv $(DESTDIR)$(BASHCOMPDIR)/genv-$$c; \
		ln -sf genv.fish $(DESTDIR)$(FISHCOMPDIR)/genv-$$c.fish; \
	done
	for m in man/*.[1-8]; do s=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -m 0644 completions/genv.bash $(DESTDIR)$(BASHCOMPDIR)/genv
	install -m 0644 completions/_genv $(DESTDIR)$(ZSHCOMPDIR)/_genv
	install -m 0644 completions/genv.fish $(DESTDIR)$(FISHCOMPDIR)/genv.fish

clean:
	rm -rf build build-san genv tests/fuzz/build

.PHONY: all genv deps check demo fuzz install clean static-flags static
