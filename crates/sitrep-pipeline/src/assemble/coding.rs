//! ACLED coding: from a frame and the actors around it to ACLED's event type and sub-event
//! type (or a PLOVER category for political acts ACLED does not code).

use sitrep_model::{EventType, Plover, SubEventType, inter};

use crate::actors::{Actor, Role};
use crate::triggers::Frame;

/// The coded type of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coding {
    pub sub_event_type: Option<SubEventType>,
    pub plover: Option<Plover>,
}

impl Coding {
    pub fn event_type(&self) -> Option<EventType> {
        self.sub_event_type.map(SubEventType::event_type)
    }
}

fn acled(s: SubEventType) -> Coding {
    Coding {
        sub_event_type: Some(s),
        plover: None,
    }
}

fn plover(p: Plover) -> Coding {
    Coding {
        sub_event_type: None,
        plover: Some(p),
    }
}

/// Whether an actor is an organised armed actor (state or not).
pub fn is_armed(a: &Actor) -> bool {
    matches!(
        a.role,
        Role::Military
            | Role::Police
            | Role::Named
            | Role::Rebels
            | Role::ArmedUnidentified
            | Role::Identity
            | Role::Vigilantes
            | Role::Gang
            | Role::Pirates
            | Role::PrivateSecurity
            | Role::Volunteers
            | Role::External
    ) && !matches!(
        a.inter,
        inter::PROTESTERS | inter::RIOTERS | inter::CIVILIANS
    )
}

/// What the victims of violence were, from the counted noun or the patient actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Victims {
    Unknown,
    Civilians,
    Armed,
}

/// Victims from a counted noun ("soldiers", "villagers").
pub fn victims_of_noun(noun: &str) -> Victims {
    match noun {
        "soldiers" | "soldier" | "troops" | "militants" | "militant" | "fighters" | "police"
        | "policemen" | "policeman" | "officers" | "insurgents" | "rebels" | "gunmen"
        | "volunteers" | "guards" | "personnel" | "members" | "servicemen" | "jihadists"
        | "extremists" | "attackers" | "assailants" | "terrorists" | "combatants" | "commandos"
        | "paramilitaries" | "militiamen" | "tribesmen" => Victims::Armed,
        // One armed man: ACLED codes an attack on a policeman or a soldier as a battle.
        "officer" | "constable" | "constables" | "trooper" | "troopers" | "jawan" | "jawans"
        | "cop" | "cops" | "guard" | "fighter" | "rebel" | "insurgent" | "militiaman"
        | "serviceman" | "commander" | "commanders" | "sergeant" | "lieutenant" | "captain"
        | "colonel" | "gendarme" | "gendarmes" | "ranger" | "rangers" | "bodyguard"
        | "bodyguards" | "sepoy" | "havildar" => Victims::Armed,
        "people" | "civilians" | "civilian" | "villagers" | "residents" | "women" | "children"
        | "students" | "worshippers" | "passengers" | "farmers" | "men" | "persons" | "person"
        | "family" | "man" | "woman" | "boy" | "girl" | "boys" | "girls" | "herders"
        | "traders" | "teachers" | "workers" | "pilgrims" | "journalists" | "refugees"
        | "shoppers" | "bystanders" | "others" | "motorists" | "miners" => Victims::Civilians,
        // Singular and occupational victims: ACLED codes them as civilians.
        "villager" | "resident" | "farmer" | "herder" | "trader" | "student" | "teacher"
        | "worker" | "labourer" | "laborer" | "labourers" | "laborers" | "driver" | "drivers"
        | "tourist" | "tourists" | "contractor" | "contractors" | "pastor" | "pastors"
        | "priest" | "priests" | "cleric" | "clerics" | "imam" | "monk" | "monks"
        | "postmaster" | "chairman" | "councillor" | "councilor" | "politician" | "politicians"
        | "activist" | "activists" | "lawyer" | "lawyers" | "judge" | "journalist" | "reporter"
        | "doctor" | "doctors" | "nurse" | "nurses" | "businessman" | "businessmen"
        | "businesswoman" | "shopkeeper" | "shopkeepers" | "vendor" | "vendors" | "fisherman"
        | "fishermen" | "herdsman" | "herdsmen" | "pedestrian" | "pedestrians" | "cyclist"
        | "motorcyclist" | "passenger" | "child" | "baby" | "infant" | "teenager" | "teenagers"
        | "youth" | "youths" | "elder" | "elders" | "pilgrim" | "refugee" | "informer"
        | "official" | "officials" | "leader" | "leaders" | "wife" | "husband" | "son"
        | "daughter" | "mother" | "father" | "brother" | "sister" | "relatives" | "couple"
        | "individual" | "individuals" | "victim" | "victims" | "principal" | "headmaster"
        | "engineer" | "engineers" | "employee" | "employees" | "missionary" | "missionaries"
        | "nun" | "nuns" => Victims::Civilians,
        _ => Victims::Unknown,
    }
}

/// Codes a frame given its actors. `agent` did it; `victims` says who suffered.
pub fn code(frame: Frame, agent: Option<&Actor>, victims: Victims, intervention: bool) -> Coding {
    use Frame as F;
    use SubEventType as S;
    let state_agent = agent.is_some_and(|a| a.inter == inter::STATE || a.inter == inter::EXTERNAL);
    match frame {
        F::Take | F::Control => {
            if state_agent {
                acled(S::GovernmentRegainsTerritory)
            } else {
                acled(S::NonStateActorOvertakesTerritory)
            }
        }
        F::Retake => {
            if agent.is_some() && !state_agent {
                acled(S::NonStateActorOvertakesTerritory)
            } else {
                acled(S::GovernmentRegainsTerritory)
            }
        }
        F::Withdraw | F::Handover => Coding {
            sub_event_type: Some(S::NonViolentTransferOfTerritory),
            plover: Some(Plover::Retreat),
        },
        F::Clash => acled(S::ArmedClash),
        F::Airstrike => acled(S::AirDroneStrike),
        F::Shelling => acled(S::ShellingArtilleryMissileAttack),
        F::Ied | F::CrudeBomb => acled(S::RemoteExplosiveLandmineIed),
        F::Suicide => acled(S::SuicideBomb),
        F::Grenade => acled(S::Grenade),
        F::Chemical => acled(S::ChemicalWeapon),
        F::Attack | F::Kill => {
            let armed_agent = agent.is_none_or(is_armed);
            if victims == Victims::Armed && armed_agent {
                acled(S::ArmedClash)
            } else {
                acled(S::Attack)
            }
        }
        F::Abduct => acled(S::AbductionForcedDisappearance),
        F::Sexual => acled(S::SexualViolence),
        F::Protest if intervention => acled(S::ProtestWithIntervention),
        F::Protest => acled(S::PeacefulProtest),
        F::ProtestIntervene => acled(S::ProtestWithIntervention),
        F::ProtestForce => acled(S::ExcessiveForceAgainstProtesters),
        // Homes torched by soldiers, police or a named armed group are property destruction;
        // by a crowd or unnamed assailants, a riot (as ACLED codes arson in unrest).
        F::Riot
            if agent.is_some_and(|a| {
                is_armed(a) && !matches!(a.role, Role::ArmedUnidentified | Role::Identity)
            }) =>
        {
            acled(S::LootingPropertyDestruction)
        }
        F::Riot => acled(S::ViolentDemonstration),
        F::Mob => acled(S::MobViolence),
        F::Arrest => acled(S::Arrests),
        F::Agreement => acled(S::Agreement),
        F::Hq => acled(S::HeadquartersOrBaseEstablished),
        F::Loot => acled(S::LootingPropertyDestruction),
        F::Disrupt => acled(S::DisruptedWeaponsUse),
        F::GroupChange => acled(S::ChangeToGroupActivity),
        F::Coup => Coding {
            sub_event_type: Some(S::Other),
            plover: Some(Plover::Coerce),
        },
        F::Deploy => Coding {
            sub_event_type: Some(S::Other),
            plover: Some(Plover::Mobilize),
        },
        F::Request => plover(Plover::Request),
        F::Demand => plover(Plover::Demand),
        F::Reject => plover(Plover::Reject),
        F::Aid => plover(Plover::Aid),
        F::Threaten => plover(Plover::Threaten),
        F::Accuse => plover(Plover::Accuse),
        F::Disapprove => plover(Plover::Disapprove),
        F::Sanction => plover(Plover::Sanction),
        F::Consult => plover(Plover::Consult),
        F::Support => plover(Plover::Support),
        F::Investigate => plover(Plover::Investigate),
        F::Cooperate => plover(Plover::Cooperate),
        F::Concede => plover(Plover::Concede),
        F::Agree => plover(Plover::Agree),
    }
}

/// The PLOVER category of an ACLED-coded event, for users who read PLOVER.
pub fn plover_of(s: SubEventType) -> Plover {
    use SubEventType as S;
    match s {
        S::ArmedClash | S::GovernmentRegainsTerritory | S::NonStateActorOvertakesTerritory => {
            Plover::Fight
        }
        S::ChemicalWeapon
        | S::AirDroneStrike
        | S::SuicideBomb
        | S::ShellingArtilleryMissileAttack
        | S::RemoteExplosiveLandmineIed
        | S::Grenade => Plover::Fight,
        S::SexualViolence | S::Attack | S::AbductionForcedDisappearance => Plover::Assault,
        S::PeacefulProtest | S::ProtestWithIntervention | S::ViolentDemonstration => {
            Plover::Protest
        }
        S::ExcessiveForceAgainstProtesters | S::Arrests => Plover::Coerce,
        S::MobViolence => Plover::Assault,
        S::Agreement => Plover::Agree,
        S::NonViolentTransferOfTerritory => Plover::Retreat,
        S::HeadquartersOrBaseEstablished | S::Other => Plover::Mobilize,
        S::LootingPropertyDestruction => Plover::Assault,
        S::DisruptedWeaponsUse => Plover::Coerce,
        S::ChangeToGroupActivity => Plover::Mobilize,
    }
}

/// The frame that typically announces a sub-event type (for events the classifier found
/// where no trigger matched).
pub fn frame_of(s: SubEventType) -> Frame {
    use SubEventType as S;
    match s {
        S::ArmedClash => Frame::Clash,
        S::GovernmentRegainsTerritory => Frame::Retake,
        S::NonStateActorOvertakesTerritory => Frame::Take,
        S::ChemicalWeapon => Frame::Chemical,
        S::AirDroneStrike => Frame::Airstrike,
        S::SuicideBomb => Frame::Suicide,
        S::ShellingArtilleryMissileAttack => Frame::Shelling,
        S::RemoteExplosiveLandmineIed => Frame::Ied,
        S::Grenade => Frame::Grenade,
        S::SexualViolence => Frame::Sexual,
        S::Attack => Frame::Attack,
        S::AbductionForcedDisappearance => Frame::Abduct,
        S::PeacefulProtest => Frame::Protest,
        S::ProtestWithIntervention => Frame::ProtestIntervene,
        S::ExcessiveForceAgainstProtesters => Frame::ProtestForce,
        S::ViolentDemonstration => Frame::Riot,
        S::MobViolence => Frame::Mob,
        S::Agreement => Frame::Agreement,
        S::Arrests => Frame::Arrest,
        S::ChangeToGroupActivity => Frame::GroupChange,
        S::DisruptedWeaponsUse => Frame::Disrupt,
        S::HeadquartersOrBaseEstablished => Frame::Hq,
        S::LootingPropertyDestruction => Frame::Loot,
        S::NonViolentTransferOfTerritory => Frame::Handover,
        S::Other => Frame::Deploy,
    }
}
