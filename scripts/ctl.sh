# ./mercato _ctl STACK COMPONENT ACTION — stops or starts one component of a running stack with
# the ports and options that stack uses (read from its run/stack.env). Fault tests use it through
# MERCATO_CTL while `./mercato test` runs, so it takes no lock.
#   COMPONENT: pg | pg-replica | redis | redis-cache | svc:<gateway|catalog|identity> | web | prometheus |
#              svc:<gateway-2|catalog-2|identity-2> | haproxy (the cluster topology) | alertmanager | otlp | pg-exporter | pg-replica-exporter | redis-exporter | redis-cache-exporter
#              (postgres-exporter and postgres-replica-exporter are the same as the pg-… names)
#   ACTION:    stop | start | restart

cmd_ctl() {
  (($# == 3)) || usage_error "_ctl needs: STACK COMPONENT stop|start|restart"
  local stack=$1 spec=$2 action=$3 name
  stack_default_ports "$stack" > /dev/null || usage_error "_ctl: unknown stack '$stack' (dev, test or bench)"
  case $spec in
    pg | postgres) name=postgres ;;
    pg-replica | postgres-replica) name=postgres-replica ;;
    redis) name=redis ;;
    redis-cache) name=redis-cache ;;
    svc:gateway | svc:catalog | svc:identity | svc:gateway-2 | svc:catalog-2 | svc:identity-2) name=${spec#svc:} ;;
    haproxy) name=haproxy ;;
    web | svc:web) name=web ;;
    prometheus | alertmanager | otlp) name=$spec ;;
    pg-exporter | postgres-exporter) name=postgres-exporter ;;
    pg-replica-exporter | postgres-replica-exporter) name=postgres-replica-exporter ;;
    redis-exporter | redis-cache-exporter) name=$spec ;;
    *) usage_error "_ctl: unknown component '$spec' (pg, pg-replica, redis, redis-cache, svc:<name>, haproxy, web, prometheus, alertmanager, otlp, pg-exporter, pg-replica-exporter, redis-exporter, redis-cache-exporter)" ;;
  esac
  case $action in stop | start | restart) ;; *) usage_error "_ctl: unknown action '$action'" ;; esac
  stack_use "$stack"
  [[ -f $RUN_DIR/stack.env ]] || die "the $stack stack has never been started"
  SVC_WAIT_PATH=/health/live
  if [[ $action == stop || $action == restart ]]; then
    component_stop "$name"
  fi
  if [[ $action == start || $action == restart ]]; then
    if ! component_start "$name"; then
      report_failure
      exit 1
    fi
  fi
}
