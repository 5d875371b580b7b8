#!/usr/bin/perl
# A client ESME written by someone else (Debian's libnet-smpp-perl, Net::SMPP) for the SMPP server's interop tests.
# It prints one line per event on stdout; test/integration/smpp-server-interop.test.ts reads them.
#
#   bind    HOST PORT USER PASS KIND            -> "bind STATUS"
#   run     HOST PORT USER PASS COUNT WINDOW RECEIPTS [STOP_AFTER]
#           binds a transceiver, submits COUNT messages (registered_delivery 1) keeping at most WINDOW outstanding,
#           sends again whatever is answered ESME_RTHROTTLED (0x58) or ESME_RMSGQFUL (0x14), answers every deliver_sm,
#           and exits once every submit is answered and receipts for RECEIPTS distinct ids came, not counting the ids
#           in $SEEN_IDS (comma-separated); or, with STOP_AFTER, drops the connection without an unbind after that many
#           receipts
#           -> "bind STATUS", "resp TO STATUS ID" per answer, "dlr ID STATE STAT" per receipt, "done"
#   receive HOST PORT USER PASS KIND COUNT      -> "deliver FROM TO ESM TEXT" for COUNT deliver_sm, then "done"
use strict;
use warnings;
use Net::SMPP;

$| = 1;
alarm 120;
my ($mode, $host, $port, $user, $pass, @rest) = @ARGV;

sub connect_as {
  my ($kind, %extra) = @_;
  my $ctor = "new_$kind";
  my ($smpp, $resp) = Net::SMPP->$ctor($host, port => $port, system_id => $user, password => $pass, smpp_version => 0x34, %extra);
  die "cannot connect: $!\n" unless $smpp;
  print "bind ", (defined $resp ? $resp->{status} : -1), "\n";
  return ($smpp, $resp);
}

sub answer_deliver {
  my ($smpp, $pdu) = @_;
  $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
}

if ($mode eq 'bind') {
  my ($kind) = @rest;
  my ($smpp, $resp) = connect_as($kind);
  exit 0;
}

if ($mode eq 'receive') {
  my ($kind, $count) = @rest;
  my ($smpp, $resp) = connect_as($kind);
  exit 1 if !$resp || $resp->{status} != 0;
  my $got = 0;
  while ($got < $count) {
    my $pdu = $smpp->read_pdu() or die "read_pdu: connection lost\n";
    if ($pdu->{cmd} == 0x00000005) {
      $got++;
      print "deliver $pdu->{source_addr} $pdu->{destination_addr} $pdu->{esm_class} $pdu->{short_message}\n";
      answer_deliver($smpp, $pdu);
    } elsif ($pdu->{cmd} == 0x00000015) {
      $smpp->enquire_link_resp(seq => $pdu->{seq});
    }
  }
  $smpp->unbind();
  print "done\n";
  exit 0;
}

if ($mode eq 'run') {
  my ($count, $window, $receipts, $stop_after) = @rest;
  my ($smpp, $resp) = connect_as('transceiver', async => 0);
  exit 1 if !$resp || $resp->{status} != 0;
  my @todo = (1 .. $count);
  my %outstanding;    # seq -> message number
  my $answered = 0;
  my $dlrs = 0;
  my %seen;    # receipted ids (a receipt sent again after a lost answer counts once)
  my %before = map { $_ => 1 } split /,/, ($ENV{SEEN_IDS} // '');
  while ($answered < $count || keys(%seen) < $receipts) {
    while (@todo && keys(%outstanding) < $window) {
      my $n = shift @todo;
      my $seq = $smpp->submit_sm(
        async => 1,
        source_addr => '4711',
        destination_addr => sprintf('4670%07d', $n),
        short_message => "interop message $n",
        registered_delivery => 1,
      );
      die "submit_sm failed\n" unless defined $seq;
      $outstanding{$seq} = $n;
    }
    my $pdu = $smpp->read_pdu() or die "read_pdu: connection lost\n";
    if ($pdu->{cmd} == 0x80000004) {
      my $n = delete $outstanding{$pdu->{seq}};
      next unless defined $n;
      if ($pdu->{status} == 0x58 || $pdu->{status} == 0x14) {
        push @todo, $n;    # throttled: the message was not taken; send it again shortly
        select(undef, undef, undef, 0.005);
        next;
      }
      $answered++;
      print "resp ", sprintf('4670%07d', $n), " $pdu->{status} ", ($pdu->{message_id} // ''), "\n";
    } elsif ($pdu->{cmd} == 0x00000005) {
      my $id = $pdu->{receipted_message_id} // '';
      $id =~ s/\0+$//;
      my $state = defined $pdu->{message_state} ? unpack('C', $pdu->{message_state}) : -1;
      my ($stat) = $pdu->{short_message} =~ /stat:(\S+)/;
      $dlrs++;
      $seen{$id} = 1 unless $before{$id};
      print "dlr $id $state ", ($stat // '?'), "\n";
      if (defined $stop_after && $dlrs >= $stop_after) {
        print "dropped\n";
        exit 0;    # the connection goes without an unbind, receipts still on their way
      }
      answer_deliver($smpp, $pdu);
    } elsif ($pdu->{cmd} == 0x00000015) {
      $smpp->enquire_link_resp(seq => $pdu->{seq});
    }
  }
  print "done\n";
  exit 0;
}

die "unknown mode $mode\n";
