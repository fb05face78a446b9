#!/usr/bin/env bash
# Soak (issue 14): the multi-host overlay under full traffic, with
# configuration churn and a peer router killed (-9) and restarted, for
# SECONDS (default 600).  Measured and printed; the exit status says
# whether a router crashed or the unaffected flow lost a packet.
#
#   h1..h4 10.200.0.1-4 on one underlay bridge, each running
#   `genv route run --state` (TAP ports made by the routers in the VMs'
#   namespaces: persistent, re-attached after a restart).
#   VPC 100 10.0.0.0/16, net 10.0.1.0/24 gw 10.0.1.1; every host knows
#   every endpoint:
#     u1 10.0.1.11 (h1) -> u2 10.0.1.12 (h2)  ping -i 0.01, the unaffected
#                       flow: no command ever names u1 or u2
#     a1 10.0.1.21 (h1) -> a4 10.0.1.24 (h4)  iperf3 TCP
#     b2 10.0.1.32 (h2) -> b3 10.0.1.33 (h3)  iperf3 TCP, through the
#                       router that is killed
#   churn, one change every 0.25 s, sent to all four routers: endpoints
#     10.0.1.100-149 (labels app=churn) added on a random home host (local
#     on its port cN there, at most 8 as a port holds, remote elsewhere),
#     removed, moved to another
#     host (set ep ... host / port), policies selecting app=churn added and
#     removed, an endpoint added to one router through `route reload` of
#     its whole configuration, and a command that must be refused;
#   h3's router killed with SIGKILL every SECONDS/10 s, restarted 1 s
#   later with the same --state, and caught up with `route reload` of
#   the configuration the other routers hold (commands sent to it while
#   it was down are counted as missed).
#
# Reports: router exits other than the planned kills and sanitizer reports
# in the logs (a `make SAN=1` build: the routers are stopped with SIGTERM
# at the end so LeakSanitizer runs), RSS of each router in the first and
# the last minute (max kB; h3's restarts reset its own), the unaffected
# ping's statistics, churn commands done / refused / missed, iperf3
# throughput per 1 s interval (min and average per pair), and whether
# every router's configuration equals the one churn meant (a final
# `route reload` of it must change nothing).
# Exit status: 0 clean, 1 a router crashed (or a sanitizer report) or the
# unaffected flow lost packets (or the set-up failed), 2 usage.
# Run as root from the repository root, under the namespace lock:
#   flock /tmp/genv-net.lock bench/soak.sh [-t SECONDS] [GENV]
# shellcheck disable=SC2015	# "A && B || C": B never fails
set -u
cd "$(dirname "$0")/.." || exit 1
T=600
while getopts t: o; do
	case $o in
	t) T=$OPTARG ;;
	*) echo "usage: bench/soak.sh [-t SECONDS] [GENV]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
case $T in
'' | *[!0-9]*) echo "bench/soak.sh: -t wants whole seconds, not '$T'" >&2; exit 2 ;;
esac
[ "$T" -ge 20 ] || { echo "bench/soak.sh: -t $T: at least 20 seconds" >&2; exit 2; }
GENV=$(readlink -f "${1:-${GENV:-$PWD/genv}}")
[ "$(id -u)" = 0 ] || { echo "bench/soak.sh: needs root (network namespaces)" >&2; exit 1; }
[ -x "$GENV" ] || { echo "bench/soak.sh: '$GENV' not built (run make)" >&2; exit 1; }
for t in ip iperf3 ping python3 timeout; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench/soak.sh: '$t' not found (make deps)" >&2; exit 1; }
done
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

P=gs$$
TMP=
pids=()
NSS="ul h1 h2 h3 h4 u1 u2 a1 a4 b2 b3"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-soak.XXXXXX)
# sanitizer builds: report leaks at exit, keep going after a report is not possible
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
KEVERY=$((T / 10))	# the peer router's kill period
WIN=$((T / 2 < 60 ? T / 2 : 60))	# "first" and "last minute" windows

netns_underlay soak
ip link add ul4 netns "$P-h4" type veth peer name h4 netns "$P-ul"
nsx ul ip link set h4 master br0 up
nsx h4 ip addr add 10.200.0.4/24 dev ul4
nsx h4 ip link set ul4 up

HOSTS="h1 h2 h3 h4"
declare -A rpid planned
start() {	# HOST: start its router with its state file, remember the PID
	rt_start "$1" --state "$TMP/$1.state" || return 1
	local v=pid_$1
	rpid[$1]=${!v}
}
for h in $HOSTS; do
	start "$h" || { echo "bench/soak.sh: $h's router did not start: $(tail -n 3 "$TMP/$h.log")" >&2; exit 1; }
done

# the static endpoints: NAME HOSTNUM LABEL (address 10.0.1.(NAME's number))
STATIC="u1:11:1 u2:12:2 a1:21:1 a4:24:4 b2:32:2 b3:33:3"
mac_of() { printf '02:00:00:00:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }
# churn model: home[k] = host number of 10.0.1.(100+k) or 0; pol[j] = 0/1
NCH=50 NPOL=8
# polord: the policies present, in the order they were added (the order
# show config lists them in, which route reload compares)
declare -a home pol
polord=""
for ((k = 0; k < NCH; k++)); do home[k]=0; done
for ((j = 0; j < NPOL; j++)); do pol[j]=0; done
policy_words() {	# J: the policy's selector and rules
	case $(($1 % 4)) in
	0) echo "select app=churn ingress from pod app=iperf" ;;
	1) echo "select app=churn type ingress,egress egress to cidr 10.0.1.0/24 port tcp/80" ;;
	2) echo "select app=churn ingress from cidr 10.0.0.0/16 except 10.0.1.0/28 port udp/53" ;;
	3) echo "select app=churn,tier=c$1 ingress" ;;
	esac
}
ep_line() {	# K HOSTNUM: how host HOSTNUM adds churn endpoint K
	local n=$((100 + $1)) h=${home[$1]}
	if [ "$h" = "$2" ]; then
		echo "add ep 100 10.0.1.$n mac $(mac_of "$n") port c$2 labels app=churn"
	else
		echo "add ep 100 10.0.1.$n mac $(mac_of "$n") host 10.200.0.$h labels app=churn"
	fi
}
desired() {	# HOSTNUM: the configuration host hHOSTNUM should hold now
	local s name n eh lab k j
	echo "set host addr 10.200.0.$1 id h$1"
	echo "add vpc 100 name soak cidr 10.0.0.0/16"
	echo "add net 100 10.0.1.0/24 gw 10.0.1.1"
	echo "add port c$1"
	for s in $STATIC; do
		IFS=: read -r name n eh <<<"$s"
		lab=app=iperf; [ "${name:0:1}" = u ] && lab=app=ping
		if [ "$eh" = "$1" ]; then
			echo "add port t$name netns $P-$name"
			echo "add ep 100 10.0.1.$n mac $(mac_of "$n") port t$name labels $lab"
		else
			echo "add ep 100 10.0.1.$n mac $(mac_of "$n") host 10.200.0.$eh labels $lab"
		fi
	done
	for ((k = 0; k < NCH; k++)); do [ "${home[k]}" != 0 ] && ep_line "$k" "$1"; done
	for j in $polord; do echo "add policy 100 p$j $(policy_words "$j")"; done
	return 0
}
for h in $HOSTS; do
	desired "${h#h}" >"$TMP/$h.conf"
	out=$(rt "$h" batch "$TMP/$h.conf" 2>&1) || { echo "bench/soak.sh: $h: $out" >&2; exit 1; }
done
for s in $STATIC; do
	IFS=: read -r name n _ <<<"$s"
	nsx "$name" ip link set "t$name" address "$(mac_of "$n")" up &&
	nsx "$name" ip addr add "10.0.1.$n/24" dev "t$name" &&
	nsx "$name" ip route add default via 10.0.1.1 ||
		{ echo "bench/soak.sh: VM $name set-up failed" >&2; exit 1; }
done
for pr in u1:12 a1:24 b2:33; do
	nsx "${pr%:*}" timeout 10 ping -c 2 -i 0.2 -W 2 -q "10.0.1.${pr#*:}" >/dev/null ||
		{ echo "bench/soak.sh: no ping ${pr%:*} -> 10.0.1.${pr#*:} before the soak" >&2; exit 1; }
done

# ---- traffic: the unaffected ping, two iperf3 pairs ----
t0=$(date +%s)
END=$((t0 + T))
nsx u1 timeout $((2 * T + 60)) ping -i 0.01 -c $((T * 100)) -W 1 -q 10.0.1.12 >"$TMP/ping" 2>&1 &
ping_pid=$!; pids+=("$ping_pid")
iperf_pair() {	# CLIENT SERVER-NUM: client runs until END, restarted when it drops out
	local i=0 left
	while [ $i -lt 30 ]; do
		left=$((END - $(date +%s)))
		[ $left -ge 2 ] || break
		nsx "$1" timeout $((left + 30)) iperf3 -c "10.0.1.$2" -t "$left" -i 1 -J --connect-timeout 3000 \
			>"$TMP/iperf.$1.$i.json" 2>/dev/null
		i=$((i + 1))
		sleep 0.5
	done
}
for s in a4 b3; do
	nsx "$s" iperf3 -s >/dev/null 2>&1 &
	pids+=("$!")
done
sleep 0.5
iperf_pair a1 24 & pids+=("$!")
iperf_pair b2 33 & pids+=("$!")

# ---- churn, kills, samples: one loop, a tick every 0.25 s ----
declare -A cnt
for c in "done" refused missed expected_refused unexpected_ok ops kills restarts crashes reload_diffs; do cnt[$c]=0; done
say() { echo "$(($(date +%s) - t0)) $*" >>"$TMP/events"; }
send() {	# HOSTNUM CMD...: one command to hHOSTNUM's router
	local h=h$1 out; shift
	if out=$(rt "$h" "$@" 2>&1); then
		cnt[done]=$((cnt[done] + 1))
	elif [ -n "${down:-}" ] && [ "$h" = h3 ]; then
		cnt[missed]=$((cnt[missed] + 1))
	else
		cnt[refused]=$((cnt[refused] + 1)); say "refused on $h: $* -> $out"
	fi
}
reload_host() {	# HOSTNUM: reload the desired configuration; prints the router's summary
	desired "$1" >"$TMP/h$1.reload"
	rt "h$1" reload "$TMP/h$1.reload" 2>&1
}
home_pick() {	# [NOT]: a host number whose port cN holds fewer than 8 endpoints (a port's
	# limit), other than NOT; 0 when there is none
	local i h c k
	for i in 1 2 3 4 5 6 7 8; do
		h=$((RANDOM % 4 + 1))
		[ "$h" = "${1:-0}" ] && continue
		c=0
		for ((k = 0; k < NCH; k++)); do [ "${home[k]}" = "$h" ] && c=$((c + 1)); done
		[ $c -lt 8 ] && { echo $h; return; }
	done
	echo 0
}
pick() {	# WANT_PRESENT: a churn endpoint index present (1) or absent (0), or -1
	local i k
	for i in 1 2 3 4 5 6 7 8; do
		k=$((RANDOM % NCH))
		if [ "$1" = 1 ]; then [ "${home[k]}" != 0 ] && { echo $k; return; }
		else [ "${home[k]}" = 0 ] && { echo $k; return; }; fi
	done
	echo -1
}
churn() {
	local r=$((RANDOM % 20)) k h old n j x out
	cnt[ops]=$((cnt[ops] + 1))
	if [ $r -lt 6 ]; then	# add an endpoint
		k=$(pick 0); n=$(home_pick); [ "$k" -ge 0 ] && [ "$n" != 0 ] || return
		home[k]=$n
		for h in 1 2 3 4; do read -ra w <<<"$(ep_line "$k" "$h")"; send "$h" "${w[@]}"; done
	elif [ $r -lt 10 ]; then	# remove one
		k=$(pick 1); [ "$k" -ge 0 ] || return
		home[k]=0
		for h in 1 2 3 4; do send "$h" del ep 100 "10.0.1.$((100 + k))"; done
	elif [ $r -lt 15 ]; then	# move one to another host
		k=$(pick 1); [ "$k" -ge 0 ] || return
		old=${home[k]}; n=$(home_pick "$old"); [ "$n" != 0 ] || return
		home[k]=$n
		for h in 1 2 3 4; do
			if [ "$h" = "$n" ]; then send "$h" set ep 100 "10.0.1.$((100 + k))" port "c$h"
			else send "$h" set ep 100 "10.0.1.$((100 + k))" host "10.200.0.$n"; fi
		done
	elif [ $r -lt 17 ]; then	# a policy added or removed
		j=$((RANDOM % NPOL))
		if [ "${pol[j]}" = 0 ]; then
			pol[j]=1; polord+=" $j"
			for h in 1 2 3 4; do read -ra w <<<"add policy 100 p$j $(policy_words "$j")"; send "$h" "${w[@]}"; done
		else
			pol[j]=0; polord=$(tr ' ' '\n' <<<"$polord" | grep -vx "$j" | tr '\n' ' ')
			for h in 1 2 3 4; do send "$h" del policy 100 "p$j"; done
		fi
	elif [ $r -lt 19 ]; then	# an endpoint added, to one router through reload
		k=$(pick 0); n=$(home_pick); [ "$k" -ge 0 ] && [ "$n" != 0 ] || return
		home[k]=$n; x=$((RANDOM % 4 + 1))
		[ -n "${down:-}" ] && x=1
		for h in 1 2 3 4; do
			if [ "$h" = "$x" ]; then
				if out=$(reload_host "$h"); then
					cnt[done]=$((cnt[done] + 1))
					case $out in *"1 added, 0 changed, 0 removed"*) ;;
					*) cnt[reload_diffs]=$((cnt[reload_diffs] + 1)); say "reload h$h: $out" ;; esac
				else
					cnt[refused]=$((cnt[refused] + 1)); say "reload refused on h$h: $out"
				fi
			else
				read -ra w <<<"$(ep_line "$k" "$h")"; send "$h" "${w[@]}"
			fi
		done
	else	# a command the router must refuse (and change nothing)
		h=$((RANDOM % 4 + 1))
		[ -n "${down:-}" ] && [ "$h" = 3 ] && h=1
		case $((RANDOM % 4)) in
		0) x="add ep 100 10.9.0.1 mac 02:00:00:09:00:01 port c$h" ;;	# outside the VPC
		1) x="del policy 100 nosuch" ;;
		2) x="set ep 100 10.0.1.250 host 10.200.0.1" ;;	# no such endpoint
		3) x="add ep 100 10.0.1.11 mac 02:00:00:09:00:02 host 10.200.0.4" ;;	# u1 exists
		esac
		read -ra w <<<"$x"
		if out=$(rt "h$h" "${w[@]}" 2>&1); then
			cnt[unexpected_ok]=$((cnt[unexpected_ok] + 1)); say "accepted on h$h: $x"
		else
			cnt[expected_refused]=$((cnt[expected_refused] + 1))
		fi
	fi
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null; }
alive() {	# PID: running (not gone, not a zombie)
	local st
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}
watch_routers() {	# a router that exited unplanned is a crash: count it, restart it
	local h p rc
	for h in $HOSTS; do
		p=${rpid[$h]}
		[ -n "${planned[$p]:-}" ] && continue
		alive "$p" && continue
		wait "$p" 2>/dev/null; rc=$?
		cnt[crashes]=$((cnt[crashes] + 1)); say "CRASH: $h's router (pid $p) exited with status $rc"
		start "$h" || say "$h's router did not restart"
	done
}
down="" tick=0 next_kill=$((t0 + KEVERY)) next_sample=0
maxticks=$((T * 4 + 40))
while [ $tick -lt $maxticks ]; do
	now=$(date +%s)
	[ "$now" -lt "$END" ] || break
	tick=$((tick + 1))
	if [ "$now" -ge "$next_sample" ]; then
		next_sample=$((now + 1))
		watch_routers
		for h in $HOSTS; do
			r=$(rss_kb "${rpid[$h]}"); [ -n "$r" ] && echo "$((now - t0)) $h $r" >>"$TMP/rss"
		done
	fi
	if [ -z "$down" ] && [ "$now" -ge "$next_kill" ] && [ $((END - now)) -gt 3 ]; then
		p=${rpid[h3]}; planned[$p]=1
		kill -9 "$p"; wait "$p" 2>/dev/null
		down=$now; cnt[kills]=$((cnt[kills] + 1)); say "killed h3 (pid $p)"
		next_kill=$((now + KEVERY))
	elif [ -n "$down" ] && [ "$now" -ge $((down + 1)) ]; then
		if start h3; then
			cnt[restarts]=$((cnt[restarts] + 1))
			down=
			out=$(reload_host 3)
			say "h3 restarted (pid ${rpid[h3]}), caught up: $out"
		else
			say "h3 did not restart: $(tail -n 2 "$TMP/h3.log")"
		fi
	fi
	churn
	sleep 0.25
done
[ -n "$down" ] && start h3 && { cnt[restarts]=$((cnt[restarts] + 1)); down=; reload_host 3 >/dev/null; }
watch_routers
elapsed=$(($(date +%s) - t0))

# ---- the end: let the ping finish, check the configurations, stop ----
for _ in $(seq $((T + 60))); do alive "$ping_pid" || break; sleep 1; done
wait "$ping_pid" 2>/dev/null
consistent=
for h in $HOSTS; do
	out=$(reload_host "${h#h}")
	case $out in
	*" 0 added, 0 changed, 0 removed"*) consistent+="$h yes  " ;;
	*) consistent+="$h NO ($out)  " ;;
	esac
done
# SIGTERM: a sanitizer build runs LeakSanitizer at exit
declare -A exitrc
for h in $HOSTS; do kill -TERM "${rpid[$h]}" 2>/dev/null; done
for h in $HOSTS; do wait "${rpid[$h]}" 2>/dev/null; exitrc[$h]=$?; done

# ---- report ----
echo "# bench/soak.sh -t $T: $elapsed s of churn, $GENV"
echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); h3 killed every $KEVERY s"
bad=0
san=$(grep -lE 'ERROR: (Address|Leak|Undefined)Sanitizer|Sanitizer has encountered|runtime error:' "$TMP"/h*.log 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
stops=
for h in $HOSTS; do
	stops+="$h ${exitrc[$h]}  "
	[ "${exitrc[$h]}" = 0 ] || bad=1
done
printf 'crashes: %d unplanned router exits; %d planned kills of h3, %d restarts; exit status at SIGTERM: %s\n' \
	"${cnt[crashes]}" "${cnt[kills]}" "${cnt[restarts]}" "$stops"
[ "${cnt[crashes]}" = 0 ] || bad=1
if [ -n "$san" ]; then
	bad=1
	keep=/tmp/genv-soak-logs.$$; mkdir -p "$keep"; cp "$TMP"/h*.log "$TMP/events" "$keep/" 2>/dev/null
	echo "sanitizer reports in: $san(logs kept in $keep)"
	grep -hE 'SUMMARY|ERROR: .*Sanitizer|runtime error:' "$TMP"/h*.log | sort | uniq -c | head -n 10
else
	echo "sanitizer reports: none"
fi
python3 - "$TMP/rss" "$WIN" "$elapsed" <<'EOF'
import sys
win, total = int(sys.argv[2]), int(sys.argv[3])
first, last = {}, {}
for line in open(sys.argv[1]):
    t, h, kb = line.split()
    t, kb = int(t), int(kb)
    if t < win:
        first[h] = max(first.get(h, 0), kb)
    if t >= total - win:
        last[h] = max(last.get(h, 0), kb)
print("RSS, max kB in the first / last %d s:" % win)
for h in sorted(set(first) | set(last)):
    a, b = first.get(h, 0), last.get(h, 0)
    print("  %s %7d / %7d  (%+d kB)%s" % (h, a, b, b - a, "  restarted every kill" if h == "h3" else ""))
EOF
stat=$(grep -E 'packets transmitted' "$TMP/ping")
tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TMP/ping")
rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping")
echo "unaffected flow u1 -> u2 (ping -i 0.01): ${stat:-no statistics}"
grep -E '^rtt' "$TMP/ping" | sed 's/^/  /'
if [ -z "$tx" ] || [ -z "$rx" ] || [ "$tx" -eq 0 ] || [ "$tx" != "$rx" ]; then
	bad=1
	echo "  lost: $(( ${tx:-0} - ${rx:-0} )) packets"
else
	echo "  lost: 0 packets"
fi
printf 'churn: %d operations over 4 routers: %d commands done, %d refused, %d missed (h3 down); %d invalid commands refused as they must be, %d accepted; %d reloads with an unexpected diff\n' \
	"${cnt[ops]}" "${cnt[done]}" "${cnt[refused]}" "${cnt[missed]}" "${cnt[expected_refused]}" \
	"${cnt[unexpected_ok]}" "${cnt[reload_diffs]}"
echo "configuration equals the churn model at the end (reload: nothing to change): $consistent"
grep -E 'refused on|accepted on|reload h|CRASH|did not' "$TMP/events" 2>/dev/null | head -n 8 | sed 's/^/  event at /'
python3 - "$TMP" <<'EOF'
import glob, json, sys
for c, s in (("a1", "a4 (h1 -> h4)"), ("b2", "b3 (h2 -> h3, the killed router)")):
    iv, runs, retr = [], 0, 0
    for f in sorted(glob.glob("%s/iperf.%s.*.json" % (sys.argv[1], c)), key=lambda f: int(f.split(".")[-2])):
        try:
            j = json.load(open(f))
        except Exception:
            continue
        runs += 1
        for i in j.get("intervals", []):
            st = i.get("sum", {})
            if st.get("seconds", 0) >= 0.5:
                iv.append(st["bits_per_second"] / 1e6)
        retr += j.get("end", {}).get("sum_sent", {}).get("retransmits", 0)
    if iv:
        print("iperf3 %s -> %s: %d intervals of 1 s in %d run(s): min %.0f, avg %.0f, max %.0f Mbit/s; %d below 1 Mbit/s; %d retransmits"
              % (c, s, len(iv), runs, min(iv), sum(iv) / len(iv), max(iv), sum(1 for v in iv if v < 1), retr))
    else:
        print("iperf3 %s -> %s: no intervals" % (c, s))
EOF
exit $bad
