# smcroute for Java: build, test and install.
#   make            build target/smcroute.jar, the jlink runtime target/runtime and the AOT caches
#   make check      all tests: unit + integration (mvn verify; the integration tests need root),
#                   the bash completions, the Debian package (make check-deb; root, dpkg-dev)
#   make install    PREFIX=/usr/local DESTDIR= SYSCONFDIR=/etc RUNSTATEDIR=/run
#                   MANDIR=$(PREFIX)/share/man SYSTEMDUNITDIR=$(PREFIX)/lib/systemd/system
#                   DOCDIR=$(PREFIX)/share/doc/smcroute
#                   BASHCOMPDIR=$(PREFIX)/share/bash-completion/completions
#                   (the configuration and the default file are installed only if absent)
#   make deb        Debian package target/deb/smcroute-java_VERSION_ARCH.deb (doc/packaging.md)
#   make demo       routing demo between network namespaces (needs root)
#   make bench      benchmark suite (needs root); BENCH_ONLY="reload" runs one section, see
#                   tools/bench.sh; the table goes to target/bench/results.md
# The JDK is found by tools/find-jdk.sh (a JAVA_HOME >= 25, else /usr/lib/jvm/*25*); override
# with make JDK=/path/to/jdk.

PREFIX      ?= /usr/local
# Fixed layout: the launchers look for the jar in ../lib/smcroute relative to themselves. It is
# lib, not share, because the runtime beside the jar holds machine code (libjvm.so).
SBINDIR      = $(PREFIX)/sbin
LIBDIR       = $(PREFIX)/lib/smcroute
SYSCONFDIR  ?= /etc
RUNSTATEDIR ?= /run
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/smcroute
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# The java launcher.conf names, used only when the runtime is missing beside the jar.
LAUNCHER_JAVA ?= $(JDK)/bin/java
# Paths in the unit (@...@) and in the manual pages and shipped files (the defaults written there).
SUBST = -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@RUNSTATEDIR@|$(RUNSTATEDIR)|g'
DOCSUBST = -e 's|/usr/local/share/doc/smcroute|$(DOCDIR)|g' -e 's|/etc\b|$(SYSCONFDIR)|g' -e 's|/run\b|$(RUNSTATEDIR)|g'

JDK  ?= $(shell sh tools/find-jdk.sh 2>/dev/null)
MVN  ?= mvn
# Maven itself runs on the JDK 25 too; the option silences a harmless warning about Maven's own
# Guava calling sun.misc.Unsafe.
MVNENV = JAVA_HOME=$(JDK) MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow $(MAVEN_OPTS)"
JAR  = target/smcroute.jar
AOT  = target/smcroutectl.aot
DAOT = target/smcrouted.aot
# The jlink runtime (tools/runtime.sh); its release file stands for the whole tree.
RUNTIME = target/runtime/release

.PHONY: all check check-deb install install-files uninstall deb bench demo clean jdk testclasses

all: $(AOT)

jdk:
	@[ -n "$(JDK)" ] || { sh tools/find-jdk.sh >/dev/null && echo "JDK is empty: make JDK=/path/to/jdk-25" >&2; exit 1; }
	@command -v $(MVN) >/dev/null || { echo "Maven not found: install maven (apt-get install maven)" >&2; exit 1; }

# Maven decides what is out of date, so it always runs (make then re-checks the jar's time).
# The caches are retrained when the jar, the runtime, the launchers' flags or the training change
# (one training run makes both; the daemon's is skipped with a warning without a namespace).
AOT_INPUTS = $(JAR) $(RUNTIME) bin/smcroutectl bin/smcrouted tools/aot-train.sh \
	tools/aot-train-daemon.sh tools/AotTrainServer.java

$(JAR): jdk
	$(MVNENV) $(MVN) -q -B package -DskipTests
	printf 'java=%s/bin/java\n' '$(JDK)' > target/launcher.conf

# jlink prints warnings about JDK classes outside the two modules; they go to the log.
$(RUNTIME): tools/runtime.sh tools/SameProperties.java | jdk
	@mkdir -p target
	sh tools/runtime.sh '$(JDK)' target/runtime > target/runtime.log 2>&1 \
		|| { tail -n 20 target/runtime.log >&2; exit 1; }
	@echo "runtime: target/runtime ($$(du -sh target/runtime | cut -f1))"

$(AOT): $(AOT_INPUTS)
	sh tools/aot-train.sh '$(JDK)'

check: jdk
	$(MVNENV) $(MVN) -B verify
	bash src/test/sh/completion-test.sh
	@$(MAKE) --no-print-directory check-deb

# The Debian package test (src/test/sh/deb-test.sh): builds the package, checks it, installs it
# on this machine, runs and routes with it, purges it. Needs root and dpkg-dev.
check-deb:
	@if [ "$$(id -u)" -ne 0 ] || ! command -v dpkg-shlibdeps >/dev/null; then \
		echo "check-deb: SKIPPED: the Debian package test needs root and dpkg-dev"; \
	else $(MAKE) --no-print-directory deb && bash src/test/sh/deb-test.sh; fi

install: all
	@$(MAKE) --no-print-directory install-files

# install without building first (make deb stages the package with it)
install-files:
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR)
	install -m 0755 bin/smcrouted bin/smcroutectl $(DESTDIR)$(SBINDIR)/
	# -p keeps the caches newer than the jar, which the launchers require before they use them
	install -p -m 0644 $(JAR) target/smcroutectl.security $(DESTDIR)$(LIBDIR)/
	if [ -f $(AOT) ]; then install -p -m 0644 $(AOT) $(DESTDIR)$(LIBDIR)/; fi
	if [ -f $(DAOT) ]; then install -p -m 0644 $(DAOT) $(DESTDIR)$(LIBDIR)/; fi
	rm -rf $(DESTDIR)$(LIBDIR)/runtime
	if [ -f $(RUNTIME) ]; then cp -R target/runtime $(DESTDIR)$(LIBDIR)/runtime; fi
	printf 'java=%s\nsysconfdir=%s\nrunstatedir=%s\ndocdir=%s\n' \
		'$(LAUNCHER_JAVA)' '$(SYSCONFDIR)' '$(RUNSTATEDIR)' '$(DOCDIR)' > $(DESTDIR)$(LIBDIR)/launcher.conf
	chmod 0644 $(DESTDIR)$(LIBDIR)/launcher.conf
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSCONFDIR)/default $(DESTDIR)$(SYSCONFDIR)/smcroute.d \
		$(DESTDIR)$(BASHCOMPDIR)
	for m in smcrouted.8 smcroutectl.8 smcroute.conf.5; do \
		sed $(DOCSUBST) doc/$$m > $(DESTDIR)$(MANDIR)/man$${m##*.}/$$m && \
		chmod 0644 $(DESTDIR)$(MANDIR)/man$${m##*.}/$$m || exit 1; \
	done
	install -m 0644 README.md BUGS.md doc/guide.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 etc/bash-completion/smcroutectl etc/bash-completion/smcrouted $(DESTDIR)$(BASHCOMPDIR)/
	sed $(SUBST) etc/smcroute.service > $(DESTDIR)$(SYSTEMDUNITDIR)/smcroute.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/smcroute.service
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/smcroute ] || { \
		sed $(DOCSUBST) etc/default/smcroute > $(DESTDIR)$(SYSCONFDIR)/default/smcroute && \
		chmod 0644 $(DESTDIR)$(SYSCONFDIR)/default/smcroute; }
	[ -e $(DESTDIR)$(SYSCONFDIR)/smcroute.conf ] || { \
		sed $(DOCSUBST) etc/smcroute.conf > $(DESTDIR)$(SYSCONFDIR)/smcroute.conf && \
		chmod 0644 $(DESTDIR)$(SYSCONFDIR)/smcroute.conf; }

# Debian package target/deb/smcroute-java_VERSION_ARCH.deb: `make install` with the Debian
# paths into a staging tree, which tools/deb.sh completes and packs (doc/packaging.md). The unit
# goes where Debian 12's own smcroute package has it, so that replacing one package with the
# other hands over the same path.
DEBSTAGE = target/deb-stage
deb: all
	rm -rf target/deb $(DEBSTAGE)
	@$(MAKE) --no-print-directory install-files DESTDIR='$(CURDIR)/$(DEBSTAGE)' PREFIX=/usr \
		SYSCONFDIR=/etc RUNSTATEDIR=/run SYSTEMDUNITDIR=/lib/systemd/system \
		DOCDIR=/usr/share/doc/smcroute-java LAUNCHER_JAVA= >/dev/null
	sh tools/deb.sh $(DEBSTAGE) target/deb

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/smcrouted $(DESTDIR)$(SBINDIR)/smcroutectl
	rm -rf $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DOCDIR)
	rm -f $(DESTDIR)$(MANDIR)/man8/smcrouted.8 $(DESTDIR)$(MANDIR)/man8/smcroutectl.8 \
		$(DESTDIR)$(MANDIR)/man5/smcroute.conf.5 $(DESTDIR)$(SYSTEMDUNITDIR)/smcroute.service \
		$(DESTDIR)$(BASHCOMPDIR)/smcroutectl $(DESTDIR)$(BASHCOMPDIR)/smcrouted
	@echo "uninstall: $(SYSCONFDIR)/smcroute.conf and $(SYSCONFDIR)/default/smcroute are left in place"

bench: testclasses
	tools/bench.sh

# The demo and the benchmarks run test-scope tools (McastTool, org.smcroute.bench); `mvn package`
# compiles them already, this only covers a tree built some other way.
testclasses: all
	@[ -f target/test-classes/org/smcroute/it/McastTool.class ] || $(MVNENV) $(MVN) -q -B test-compile

demo: testclasses
	tools/demo.sh

clean:
	rm -rf target
